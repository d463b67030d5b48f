import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandSucceeds, requireTool } from '@tickets/testing';

export interface SmallDisk {
  /** Where the file system is mounted. */
  readonly dir: string;
  /** Writes a file until the file system is full; returns how many bytes it took. */
  fill(): number;
  /** Removes the file `fill` wrote. */
  free(): void;
  /** Unmounts the file system and removes its mount point. */
  unmount(): void;
}

function tryMount(bytes: number): SmallDisk | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096);
      let written = 0;
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      // Lazily, should a process still hold a file there.
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real file system of `bytes` that a test can fill up: a tmpfs, which only root can mount.
 * Undefined where mounting is not allowed.
 */
export function mountSmallDisk(bytes: number): SmallDisk | undefined {
  return process.getuid?.() === 0 ? tryMount(bytes) : undefined;
}

/** Whether this process may mount a small disk, checked by mounting one. */
export const requireSmallDisk = (): boolean =>
  requireTool({
    name: 'a tmpfs of their own, mounted as root',
    check: () => {
      if (process.getuid?.() !== 0) throw new Error('not running as root');
      commandSucceeds('mount', ['--version']);
      const disk = tryMount(1024 * 1024);
      if (disk === undefined) throw new Error('mount -t tmpfs was refused');
      disk.unmount();
      return true;
    },
    install: 'run the tests as root, with mount (util-linux) and the right to mount (CAP_SYS_ADMIN)',
  });
