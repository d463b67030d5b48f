import { defineConfig } from 'vitest/config';

// The one test configuration: `pnpm test` runs `vitest run --config vitest.workspace.ts`.
// Every package and app is a project; each may add a vitest.config.ts of its own.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
