import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandOutput, commandSucceeds, freePort, requireTool } from '@tickets/testing';

/** Where this machine's PostgreSQL programs (initdb, pg_ctl) are. */
const binDir = () => commandOutput('pg_config', ['--bindir']).trim();

const asRoot = () => process.getuid?.() === 0;

/**
 * Whether `createPrivatePostgres` can run: initdb and pg_ctl, and, for tests run as root, the
 * postgres user and runuser to run them as it.
 */
export const requirePostgresPrograms = (): boolean =>
  requireTool({
    name: "PostgreSQL's initdb and pg_ctl",
    check: () => {
      const dir = binDir();
      for (const program of ['initdb', 'pg_ctl']) accessSync(join(dir, program), constants.X_OK);
      return (
        !asRoot() || (commandSucceeds('id', ['-u', 'postgres']) && commandSucceeds('runuser', ['--version']))
      );
    },
    install: 'apt-get install -y postgresql',
  });

export interface PrivatePostgres {
  readonly url: string;
  start(): void;
  /** Stops the server; `immediate` is a crash-like stop without a shutdown checkpoint. */
  stop(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory, on a free port, made with this
 * machine's initdb and run with its pg_ctl (as the postgres user when the tests run as root, since
 * PostgreSQL refuses to run as root).
 */
export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const bin = binDir();
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]) =>
    asRoot()
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, program), args, { stdio: 'pipe' });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: () => {
      try {
        stop('immediate');
      } catch {
        // Not running.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
