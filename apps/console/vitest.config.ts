import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.js';

// Components render in happy-dom, talking to the real API in process (src/testing/happy-dom-environment.ts);
// the end-to-end test (console.e2e.test.ts) asks for Node itself.
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: './src/testing/happy-dom-environment.ts',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['src/testing/setup.ts'],
    },
  }),
);
