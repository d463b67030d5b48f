// `pnpm --filter @tickets/server build`, run by `pnpm install` (the root `prepare` script): bundles
// the server's entry points with esbuild into dist/, so that `pnpm start`, `pnpm migrate` and
// `pnpm tickets` run JavaScript with plain `node`, without tsx or the workspace's TypeScript.
//
//   node --import tsx apps/server/build.ts [--outdir DIR]    (default: apps/server/dist)

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BuildOptions, build, type OutputFile, type Plugin } from 'esbuild';

const serverDir = dirname(fileURLToPath(import.meta.url));

/**
 * Each entry point, by the name of the file it becomes. The server, `pnpm migrate` and `pnpm
 * tickets` share chunks, and main.js loads the server's code (serve.js) only once it has started
 * the holidays worker, which is bundled on its own, so as to load nothing it does not use.
 */
const ENTRIES = {
  main: 'src/main.ts',
  migrate: 'src/migrate.ts',
  tickets: 'src/cli/tickets.ts',
};
const ALONE = { 'holidays-worker': 'src/holidays/holidays-worker.ts' };

/** The module naming the holidays worker's script, and the bundle's own line for it. */
const WORKER_FILE = {
  source: resolve(serverDir, 'src/holidays/worker-file.ts'),
  bundled: "export const holidaysWorkerFile = new URL('./holidays-worker.js', import.meta.url);",
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
        // The one URL that names a file of the bundle rather than of the sources.
        if (path === WORKER_FILE.source) return { contents: WORKER_FILE.bundled, loader: 'ts' };
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

const options: BuildOptions & { write: false } = {
  absWorkingDir: serverDir,
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
};
const results = await Promise.all([
  build({ ...options, entryPoints: ENTRIES, splitting: true }),
  build({ ...options, entryPoints: ALONE }),
]);
const outputFiles = results.flatMap((result) => result.outputFiles);

// Each file is written beside its final name, then renamed over it, the entry points last: a
// process starting meanwhile (a cluster worker, say) reads the old files or the new ones, never
// half of one. Chunks are named by their content, so a new one never replaces an old one in use.
await mkdir(outdir, { recursive: true });
const entryFiles = new Set(
  Object.keys({ ...ENTRIES, ...ALONE }).flatMap((name) => [`${name}.js`, `${name}.js.map`]),
);
const isEntry = (path: string) => entryFiles.has(basename(path));
const put = (files: readonly OutputFile[]) =>
  Promise.all(
    files.map(async (file) => {
      const partial = `${file.path}.${process.pid}.partial`;
      await writeFile(partial, file.contents);
      await rename(partial, file.path);
    }),
  );
await put(outputFiles.filter((file) => !isEntry(file.path)));
await put(outputFiles.filter((file) => isEntry(file.path)));
// The chunks of earlier builds.
const written = new Set(outputFiles.map((file) => basename(file.path)));
await Promise.all(
  (await readdir(outdir))
    .filter((name) => /\.js(\.map)?$/.test(name) && !written.has(name))
    .map((name) => rm(resolve(outdir, name), { force: true })),
);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const bytes = outputFiles
  .filter((file) => file.path.endsWith('.js'))
  .reduce((sum, file) => sum + file.contents.byteLength, 0);
const size = ` (${written.size / 2} files of JavaScript, ${(bytes / 1e6).toFixed(1)} MB)`;
console.log(
  `server: bundled ${Object.keys({ ...ENTRIES, ...ALONE }).join(', ')} into ${relative(process.cwd(), outdir) || '.'}${size} in ${seconds} s`,
);
