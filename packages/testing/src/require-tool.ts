/** A system tool or service that some tests need, and how to get it. */
export interface Tool {
  /** What the tests need, as the skip line names it: `Chromium at /usr/bin/chromium`. */
  readonly name: string;
  /**
   * Whether it is here, answered synchronously (tests are gated while vitest collects them);
   * an error it throws says why not.
   */
  readonly check: () => boolean;
  /** How to get it, a command where there is one: `apt-get install -y chromium`. */
  readonly install: string;
}

/** Where `requireTool` reads CI from and writes its line: this process's by default. */
export interface ToolContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly warn?: (line: string) => void;
}

// One answer per tool and module instance, and vitest evaluates modules anew for each test file:
// each file checks, and prints its line, once.
const answers = new Map<string, boolean>();

/** Whether CI is set the way CI services set it (`CI=true`, `CI=1`), not `CI=false` or empty. */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function whyMissing(tool: Tool): string | undefined {
  try {
    return tool.check() ? undefined : 'not found';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const said = message.split('\n').find((line) => line.trim() !== '');
    return said === undefined ? 'its check failed' : said.trim().slice(0, 200);
  }
}

/**
 * Whether the tests that need `tool` can run; gate them with `describe.skipIf(!…)`/`it.skipIf(!…)`.
 * A missing tool skips them with one line that says what is missing and how to get it; under CI
 * (`CI=true`), where everything is installed, it throws instead and fails the test file.
 */
export function requireTool(
  tool: Tool,
  { env = process.env, warn = console.warn }: ToolContext = {},
): boolean {
  const known = answers.get(tool.name);
  if (known !== undefined) return known;
  const why = whyMissing(tool);
  if (why !== undefined) {
    const missing = `tests that need ${tool.name} (${why}) — ${tool.install}`;
    if (isCi(env)) throw new Error(`MISSING under CI=true: ${missing}`);
    warn(`SKIPPED: ${missing}`);
  }
  answers.set(tool.name, why === undefined);
  return why === undefined;
}
