import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HolidaySource } from '@tickets/domain';
import type { UnknownHolidayRegion } from '@tickets/holidays';
// Not from the package's index, which would bring date-holidays into this process's bundle.
import { createTableHolidaySource, type HolidayTable } from '@tickets/holidays/table';
import { err, ok, type Result } from 'neverthrow';

/** What the holidays worker prints: the years' holidays, or why the code is refused. */
export type HolidaysAnswer = { readonly table: HolidayTable } | { readonly unknown: UnknownHolidayRegion };

// Thousands of years of holidays are a few megabytes of JSON, and take seconds.
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 300_000;

const runFile = promisify(execFile);

/** The worker's command line; `process.execArgv` keeps tsx's loader under `pnpm dev`. */
const argumentsFor = (file: URL, code: string, fromYear: number, toYear: number) => [
  ...process.execArgv,
  fileURLToPath(file),
  code,
  String(fromYear),
  String(toYear),
];

/**
 * The holidays of a HOLIDAY_COUNTRY code (as createDateHolidaysSource reads it) for [fromYear,
 * toYear], computed by the worker script `file` in a process of its own: date-holidays holds
 * about 30 MB once loaded, which this process never does. Other years are asked of a new worker
 * when the calendar needs them, this process waiting for the answer (a source is synchronous).
 */
export async function holidaysFromWorker(
  file: URL,
  code: string,
  fromYear: number,
  toYear: number,
): Promise<Result<HolidaySource, UnknownHolidayRegion>> {
  const { stdout } = await runFile(process.execPath, argumentsFor(file, code, fromYear, toYear), {
    maxBuffer: MAX_ANSWER_BYTES,
    timeout: TIMEOUT_MS,
  });
  const answer = JSON.parse(stdout) as HolidaysAnswer;
  if ('unknown' in answer) return err(answer.unknown);
  return ok(
    createTableHolidaySource(answer.table, (from, to) => {
      const more = JSON.parse(
        execFileSync(process.execPath, argumentsFor(file, code, from, to), {
          encoding: 'utf8',
          maxBuffer: MAX_ANSWER_BYTES,
          timeout: TIMEOUT_MS,
          stdio: ['ignore', 'pipe', 'inherit'],
        }),
      ) as HolidaysAnswer;
      if ('unknown' in more) throw new Error(`the holidays worker refused ${code}, which it took before`);
      return more.table;
    }),
  );
}
