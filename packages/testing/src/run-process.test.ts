import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { collectOutput, runProcess } from './run-process.js';

const node = (script: string) => [process.execPath, ['-e', script]] as const;

describe('runProcess', () => {
  it('answers the exit code and what the command printed on each stream', async () => {
    const run = await runProcess(...node('console.log("out"); console.error("err"); process.exit(3)'));
    expect(run).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('runs in the directory and environment it is given, with stdin closed', async () => {
    const run = await runProcess(
      ...node('process.stdin.resume().on("end", () => console.log(process.cwd(), process.env.ONLY))'),
      { cwd: '/', env: { ONLY: 'this' } },
    );
    expect(run).toEqual({ code: 0, stdout: '/ this\n', stderr: '' });
  });

  it('answers a null code for a process ended by a signal', async () => {
    expect(await runProcess(...node('process.kill(process.pid, "SIGKILL")'))).toEqual({
      code: null,
      stdout: '',
      stderr: '',
    });
  });

  it('rejects a command that is not installed', async () => {
    await expect(runProcess('tickets-no-such-command', [])).rejects.toThrow(/ENOENT/);
  });
});

describe('collectOutput', () => {
  it('keeps each stream, and both in the order they came, while the process runs', async () => {
    const child = spawn(
      ...node(
        'process.stdout.write("a"); setTimeout(() => process.stderr.write("b"), 50); setTimeout(() => process.stdout.write("ñ"), 100)',
      ),
    );
    const printed = collectOutput(child);
    await once(child, 'close');
    expect([printed.stdout(), printed.stderr(), printed.all()]).toEqual(['añ', 'b', 'abñ']);
  });
});
