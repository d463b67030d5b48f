import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, type ServerProcess, startServer } from './testing/server-process.js';

interface Example {
  readonly command: string;
  readonly status: number;
  readonly action: string;
}

/** The README's curl commands, each with the `# -> STATUS action` line that follows it. */
function readmeExamples(): Example[] {
  const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').split('\n');
  const examples: Example[] = [];
  lines.forEach((line, i) => {
    const expected = /^# -> (\d{3}) (\w+)$/.exec(lines[i + 1] ?? '');
    if (line.startsWith('curl ') && expected !== null) {
      examples.push({ command: line, status: Number(expected[1]), action: expected[2] as string });
    }
  });
  return examples;
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
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(10);
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
  });
});
