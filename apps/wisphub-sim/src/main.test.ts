import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from './testing/until.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface MainProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

function runMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: packageDir,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('main.ts', () => {
  it('exits 1 with one line naming a bad variable', async () => {
    const main = runMain({ WISPHUB_SIM_PAGE_SIZE: 'many' });
    expect(await main.exited).toBe(1);
    expect(main.stderr().trim().split('\n')).toHaveLength(1);
    expect(main.stderr()).toMatch(/^wisphub-sim: WISPHUB_SIM_PAGE_SIZE /);
  });

  it('serves the configured clients, prints its URL and key, and stops on SIGINT', async () => {
    const main = runMain({
      WISPHUB_SIM_PORT: '0',
      WISPHUB_SIM_CLIENTS: '30',
      WISPHUB_SIM_API_KEY: 'main-key',
    });
    await until(() => main.stdout().includes('listening on'));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(main.stdout())?.[1];
    expect(main.stdout()).toContain('API key main-key');
    const response = await fetch(`${url}/api/clientes/`, { headers: { authorization: 'Api-Key main-key' } });
    expect(await response.json()).toMatchObject({ count: 30 });
    main.child.kill('SIGINT');
    expect(await main.exited).toBe(0);
  });
});
