import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWispHubSimulator } from '@tickets/wisphub-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, type ServerProcess, startServer } from './testing/server-process.js';
import { waitFor } from './testing/wait-for.js';

interface Example {
  readonly command: string;
  readonly status: number;
  readonly action: string;
}

const SIMULATOR_SECTION = '### Try it with the simulator';

/**
 * The README's curl commands, each with the `# -> STATUS action` line that follows it: those of
 * the simulator's section, or all the others.
 */
function readmeExamples(section: 'standalone' | 'simulator'): Example[] {
  const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').split('\n');
  const examples: Example[] = [];
  let inSimulator = false;
  let inCode = false;
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith('```')) inCode = !inCode;
    // A heading ends the simulator's section, unless it is a deeper one inside it.
    if (!inCode && /^#{1,6} /.test(line)) {
      inSimulator = line === SIMULATOR_SECTION || (inSimulator && /^#{4,6} /.test(line));
    }
    const expected = /^# -> (\d{3}) (\w+)$/.exec(lines[i + 1] ?? '');
    if (line.startsWith('curl ') && expected !== null && inSimulator === (section === 'simulator')) {
      examples.push({ command: line, status: Number(expected[1]), action: expected[2] as string });
    }
  });
  return examples;
}

/** Runs each example against the server, pointed at its port, checking status and action. */
function runExamples(examples: readonly Example[], server: ServerProcess): void {
  const port = new URL(server.baseUrl).port;
  for (const { command, status, action } of examples) {
    // The same command, pointed at this test's port and asked to print the HTTP status last.
    const local = `${command.replaceAll('localhost:3000', `127.0.0.1:${port}`)} -w '\\n%{http_code}'`;
    const printed = execFileSync('sh', ['-c', local], { encoding: 'utf8' });
    const lastBreak = printed.lastIndexOf('\n');
    const body = JSON.parse(printed.slice(0, lastBreak)) as { action: string };
    expect({ command, status: Number(printed.slice(lastBreak + 1)), action: body.action }).toEqual({
      command,
      status,
      action,
    });
  }
}

describe("the README's quick start", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({ env: { DATABASE_URL: 'memory:' } });
  }, 30_000);

  afterAll(async () => {
    await server.stop();
  });

  it('works verbatim against a fresh server, answer by answer', () => {
    const examples = readmeExamples('standalone');
    expect(examples.length).toBeGreaterThanOrEqual(10);
    runExamples(examples, server);
  });
});

describe("the README's walk through the WispHub simulator", () => {
  it('works verbatim against a server connected to the simulator as the README starts them', async () => {
    // `pnpm wisphub-sim` with its defaults, on a free port instead of 8089.
    const sim = createWispHubSimulator({ clients: 1200, zones: 12, technicians: 8, pageSize: 50 });
    const { url } = await sim.start();
    const server = await startServer({
      env: {
        WISPHUB_URL: url,
        WISPHUB_API_KEY: sim.apiKey,
        WISPHUB_SYNC_SECONDS: '5',
        DATABASE_URL: 'memory:',
      },
    });
    try {
      expect(sim.apiKey).toBe('sim-api-key-0123456789');
      const examples = readmeExamples('simulator');
      expect(examples.length).toBeGreaterThanOrEqual(3);
      // "A second later WispHub's clients are here."
      await waitFor(async () => {
        const answer = await fetch(`${server.baseUrl}/api/v1/sync/wisphub`);
        const body = (await answer.json()) as {
          data: { wisphub: { reference_pull: { outcome: string } | null } };
        };
        return body.data.wisphub.reference_pull?.outcome === 'ok' ? true : undefined;
      });
      runExamples(examples, server);
      await waitFor(async () => (sim.tickets().length === 1 ? true : undefined));
    } finally {
      await server.stop();
      await sim.close();
    }
  }, 60_000);
});
