import { describe, expect, it } from 'vitest';
import { commandOutput, commandSucceeds } from './command-output.js';
import { isCi, requireTool, type Tool } from './require-tool.js';

/** A context that records the lines instead of printing them, outside CI. */
function recorder(env: Record<string, string> = {}) {
  const lines: string[] = [];
  return { lines, context: { env, warn: (line: string) => lines.push(line) } };
}

let tools = 0;
/** A tool of a name no other test uses (answers are kept per name). */
function tool(check: () => boolean): Tool & { readonly calls: () => number } {
  tools += 1;
  let calls = 0;
  return {
    name: `tool number ${tools}`,
    check: () => {
      calls += 1;
      return check();
    },
    install: `apt-get install -y tool-${tools}`,
    calls: () => calls,
  };
}

describe('requireTool', () => {
  it('lets the tests run when the tool is here, and says nothing', () => {
    const { lines, context } = recorder();
    const present = tool(() => true);
    expect(requireTool(present, context)).toBe(true);
    expect(lines).toEqual([]);
  });

  it('skips when the tool is missing, with one line saying what is missing and how to get it', () => {
    const { lines, context } = recorder();
    const missing = tool(() => false);
    expect(requireTool(missing, context)).toBe(false);
    expect(lines).toEqual([`SKIPPED: tests that need ${missing.name} (not found) — ${missing.install}`]);
  });

  it('checks and prints once, however often a test file asks', () => {
    const { lines, context } = recorder();
    const missing = tool(() => false);
    expect([requireTool(missing, context), requireTool(missing, context)]).toEqual([false, false]);
    expect(missing.calls()).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it("gives the first line of a failing check's error as the reason", () => {
    const { lines, context } = recorder();
    const unreachable = tool(() => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1\n    at TCPConnectWrap.afterConnect');
    });
    expect(requireTool(unreachable, context)).toBe(false);
    expect(lines).toEqual([
      `SKIPPED: tests that need ${unreachable.name} (connect ECONNREFUSED 127.0.0.1:1) — ${unreachable.install}`,
    ]);
  });

  it('names a command that is not installed', () => {
    const { lines, context } = recorder();
    const absent: Tool = {
      name: 'tickets-no-such-tool',
      check: () => commandSucceeds('tickets-no-such-tool', ['--version']),
      install: 'apt-get install -y tickets-no-such-tool',
    };
    expect(requireTool(absent, context)).toBe(false);
    expect(lines).toEqual([
      'SKIPPED: tests that need tickets-no-such-tool (tickets-no-such-tool not found) — apt-get install -y tickets-no-such-tool',
    ]);
  });

  it('fails instead of skipping under CI=true, where everything is installed', () => {
    const { lines, context } = recorder({ CI: 'true' });
    const missing = tool(() => false);
    expect(() => requireTool(missing, context)).toThrow(
      `MISSING under CI=true: tests that need ${missing.name} (not found) — ${missing.install}`,
    );
    expect(lines).toEqual([]);
  });

  it('lets the tests run under CI=true when the tool is here', () => {
    const { context } = recorder({ CI: 'true' });
    const present = tool(() => true);
    expect(requireTool(present, context)).toBe(true);
  });
});

describe('isCi', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['', false],
    ['false', false],
    ['0', false],
  ])('reads CI=%s as %s', (ci, expected) => {
    expect(isCi({ CI: ci })).toBe(expected);
  });

  it('reads no CI as not CI', () => {
    expect(isCi({})).toBe(false);
  });
});

describe('commandOutput', () => {
  it('returns what a command printed', () => {
    expect(commandOutput(process.execPath, ['-e', 'console.log("hello")'])).toBe('hello\n');
  });

  it('says why a command failed: the first line it printed to stderr, else its exit status', () => {
    expect(() =>
      commandOutput(process.execPath, ['-e', 'console.error("\\nno such database\\nat x"); process.exit(3)']),
    ).toThrow(/^no such database$/);
    expect(() => commandOutput(process.execPath, ['-e', 'process.exit(3)'])).toThrow(/^node exited with 3$/);
  });

  it('gives up on a command that does not answer in time', () => {
    expect(() => commandOutput(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], 300)).toThrow(
      'node did not answer within 300 ms',
    );
  });
});
