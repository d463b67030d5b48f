import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { collectOutput, type Printed } from '@tickets/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { until } from './testing/until.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface MainProcess extends Printed {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

function runMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: packageDir,
    env: { ...process.env, ...env },
  });
  const printed = collectOutput(child);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { ...printed, child, exited };
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
