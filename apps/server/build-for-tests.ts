import { runProcess } from '@tickets/testing';

/** Vitest's global setup: builds dist/ as `pnpm install` does, once per run. */
export default async function setup(): Promise<void> {
  const { code, stdout, stderr } = await runProcess(process.execPath, ['--import', 'tsx', 'build.ts'], {
    cwd: import.meta.dirname,
  });
  if (code !== 0) throw new Error(`the server's build failed (${code}):\n${stdout}${stderr}`);
}
