// `pnpm --filter @tickets/server build`, run by `pnpm install` (the root `prepare` script): bundles
// the server's entry points with esbuild into dist/, so that `pnpm start`, `pnpm migrate` and
// `pnpm tickets` run JavaScript with plain `node`, without tsx or the workspace's TypeScript.
//
//   node --import tsx apps/server/build.ts [--outdir DIR]    (default: apps/server/dist)

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const serverDir = dirname(fileURLToPath(import.meta.url));

/** Each entry point, by the name of the file it becomes. */
const ENTRIES = {
  main: 'src/main.ts',
  migrate: 'src/migrate.ts',
  tickets: 'src/cli/tickets.ts',
};

/**
 * Left to node_modules and loaded at run time (each a dependency of this package): better-sqlite3
 * (native code), pg (whose optional native binding esbuild cannot follow) and pino (whose
 * transports run files of its own in worker threads).
 */
const EXTERNAL = ['better-sqlite3', 'pg', 'pino'];

/**
 * `import.meta.url` keeps naming the file it is written in: each use in the workspace's sources
 * becomes that file's URL relative to the bundle, so that files read relative to a source file
 * (the API's package.json, Swagger UI resolved from packages/api, the console's dist) are the same
 * ones from the bundle. Other `import.meta` properties (dirname, filename) are refused.
 */
function sourceRelativeUrls(outdir: string): Plugin {
  return {
    name: 'source-relative-urls',
    setup(bundle) {
      bundle.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        if (/\bimport\.meta\.(?!url\b)/.test(source)) {
          return { errors: [{ text: `${path}: only import.meta.url can be bundled` }] };
        }
        const url = relative(outdir, path).split(sep).map(encodeURIComponent).join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(url)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = resolve(values.outdir ?? resolve(serverDir, 'dist'));
const started = performance.now();

const result = await build({
  absWorkingDir: serverDir,
  entryPoints: ENTRIES,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  plugins: [sourceRelativeUrls(outdir)],
  // The CommonJS packages bundled (prom-client, date-holidays' dependencies) require Node's
  // built-in modules, which an ES module can only do through a require of its own.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  // Without comments the bundle is ASCII, which V8 keeps at one byte a character: with them (some
  // in other alphabets) the whole source is held at two, 13 MB more resident memory. Names stay,
  // so stack traces read; `node --enable-source-maps` maps them back to the TypeScript.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
});

// Each file is written beside its final name, then renamed over it: a process starting meanwhile
// (a cluster worker, say) reads the old file or the new one, never half of one.
await mkdir(outdir, { recursive: true });
await Promise.all(
  result.outputFiles.map(async (file) => {
    const partial = `${file.path}.${process.pid}.partial`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
  }),
);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const mainFile = result.outputFiles.find((file) => file.path === resolve(outdir, 'main.js'));
const size = mainFile === undefined ? '' : ` (main.js ${(mainFile.contents.byteLength / 1e6).toFixed(1)} MB)`;
console.log(
  `server: bundled ${Object.keys(ENTRIES).join(', ')} into ${relative(process.cwd(), outdir) || '.'}${size} in ${seconds} s`,
);
