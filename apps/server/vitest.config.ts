import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests run `pnpm start`, `pnpm migrate` and `pnpm tickets`, which run the bundle in dist/:
    // it is built from the sources as they are before any test starts.
    globalSetup: ['./build-for-tests.ts'],
  },
});
