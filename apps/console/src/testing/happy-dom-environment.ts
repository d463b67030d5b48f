import { builtinEnvironments, type Environment } from 'vitest/runtime';

/**
 * happy-dom, with modules transformed for Node (Vite's `ssr` environment) rather than for a
 * browser: the tests run the real API in process, and Vite's browser transform would rewrite its
 * `new URL('../package.json', import.meta.url)` into the URL of a served asset.
 */
const environment: Environment = {
  ...builtinEnvironments['happy-dom'],
  name: 'happy-dom-ssr',
  viteEnvironment: 'ssr',
};

export default environment;
