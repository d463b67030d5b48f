import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDirectory } from '@tickets/domain';
import { loadConfig } from '../config.js';
import type { OpenDatabase } from '../database.js';
import { formatSummary, Importer, openCsvFile, RejectionLog } from './import.js';
import { createProgressBar, type ProgressBar } from './progress.js';
import { type ImportKind, importKinds, type KindSpec, kindSpecs } from './reference-rows.js';

// `pnpm tickets import zones|technicians|services FILE.csv`: upserts reference data from a CSV file
// into the store DATABASE_URL names (migrating it first). `pnpm tickets sync wisphub`: one pull of
// WispHub's clients and ticket states (see sync.ts). Exit codes: 0 the command ran (even with
// rejected rows), 1 it could not run or stopped, 2 the command line is wrong.

const USAGE =
  'usage: pnpm tickets import zones|technicians|services FILE.csv\n       pnpm tickets sync wisphub';

function usage(problem: string): never {
  console.error(`tickets: ${problem}`);
  console.error(USAGE);
  process.exit(2);
}

function failed(line: string): never {
  console.error(`tickets: ${line}`);
  process.exit(1);
}

function configurationError(line: string): never {
  return failed(`configuration error: ${line}`);
}

type Command =
  | { readonly name: 'import'; readonly kind: ImportKind; readonly file: string }
  | { readonly name: 'sync' };

function parseArguments(args: readonly string[]): Command {
  // Not strict: `--help` answers whatever else the line holds, and an unknown option is named here
  // in the CLI's words rather than in parseArgs' exception.
  const { positionals, tokens } = parseArgs({
    args: [...args],
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const options = tokens.filter((token) => token.kind === 'option');
  if (options.some((option) => option.name === 'help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const [unknown] = options;
  if (unknown !== undefined) {
    usage(`unknown option "${unknown.rawName}" (a file name that starts with "-" goes after --)`);
  }
  const [command, kind, file, ...rest] = positionals;
  if (command === undefined) usage('no command given');
  if (command === 'sync') {
    if (kind !== 'wisphub')
      usage(kind === undefined ? 'sync with what? wisphub' : `cannot sync with "${kind}": wisphub`);
    if (file !== undefined) usage(`unexpected argument "${file}"`);
    return { name: 'sync' };
  }
  if (command !== 'import') usage(`unknown command "${command}"`);
  if (kind === undefined) usage('import what? zones, technicians or services');
  if (!importKinds.includes(kind as ImportKind)) {
    usage(`cannot import "${kind}": zones, technicians or services`);
  }
  if (file === undefined || file === '') usage(`no CSV file given`);
  if (rest.length > 0) usage(`unexpected argument "${rest[0]}"`);
  // pnpm runs scripts in the repository root; a relative path means where the command was typed.
  return {
    name: 'import',
    kind: kind as ImportKind,
    file: resolve(process.env.INIT_CWD ?? process.cwd(), file),
  };
}

async function main(): Promise<void> {
  const command = parseArguments(process.argv.slice(2));
  const config = loadConfig(process.env).match((c) => c, configurationError);
  if (command.name === 'sync') {
    const { syncWispHub } = await import('./sync.js');
    return syncWispHub(config, { failed, configurationError });
  }
  const { kind, file } = command;
  const started = performance.now();
  const spec: KindSpec<unknown> = kindSpecs[kind];

  let bytesRead = 0;
  const source = (
    await openCsvFile(file, spec, {
      onBytes: (bytes) => {
        bytesRead = bytes;
      },
    })
  ).match((s) => s, failed);
  const totalBytes = statSync(file).size;

  // Loaded once the command line and the file's header are known good (the drivers).
  const { openDatabase } = await import('../database.js');
  let database: OpenDatabase;
  try {
    database = openDatabase(config);
    await database.migrate();
  } catch (error) {
    failed(`cannot open the database ${config.databaseUrl}: ${(error as Error).message}`);
  }

  // Saving zones, technicians and services needs the store alone: no calendar, no catalogue.
  const directory = createDirectory(database.store);
  const log = new RejectionLog(`${file.replace(/\.csv$/i, '')}.rejected.txt`);
  const importer = new Importer({ spec, header: source.header, directory, log });
  const bar: ProgressBar | undefined = process.stderr.isTTY
    ? createProgressBar({ terminal: process.stderr, label: kind, totalBytes })
    : undefined;

  const summary = () =>
    formatSummary({
      spec,
      header: source.header,
      state: importer.state,
      log,
      elapsedMs: performance.now() - started,
    }).join('\n');

  process.once('SIGINT', () => {
    bar?.clear();
    const { doneThroughLine } = importer.state;
    console.log(summary());
    console.error(
      `tickets: interrupted; rows up to line ${doneThroughLine} are imported (importing the file again is safe)`,
    );
    process.exit(130);
  });

  bar?.update(0, bytesRead, true);
  try {
    await importer.run(source.rows, (state) => bar?.update(state.rows, bytesRead));
  } catch (error) {
    bar?.clear();
    log.close();
    console.log(summary());
    const through = importer.state.doneThroughLine;
    failed(
      `the import stopped: ${(error as Error).message} (${
        through === 0 ? 'no row was imported' : `rows up to line ${through} are imported`
      }; importing the file again is safe)`,
    );
  }
  bar?.update(importer.state.rows, bytesRead, true);
  bar?.clear();
  log.close();
  console.log(summary());
  await database.close();
}

main().catch((error: unknown) => {
  failed(`could not run: ${error instanceof Error ? error.message : String(error)}`);
});
