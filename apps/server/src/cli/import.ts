import { closeSync, openSync, writeSync } from 'node:fs';
import type { Directory } from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import { type CsvFileOptions, type CsvRecord, readCsvFile } from './csv.js';
import { type Header, type ImportRow, type KindSpec, readHeader, readRow } from './reference-rows.js';

/** A CSV file whose header has been read and checked; `rows` streams the records after it. */
export interface CsvSource {
  readonly header: Header;
  readonly rows: AsyncIterable<readonly CsvRecord[]>;
}

function readError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a CSV file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return e.message;
  }
}

/**
 * Opens a CSV file and reads its header (its first record) for this kind. The error is one line:
 * the file cannot be read, is empty, or its header lacks a required column.
 */
export async function openCsvFile(
  path: string,
  spec: KindSpec<unknown>,
  options: CsvFileOptions = {},
): Promise<Result<CsvSource, string>> {
  const records = readCsvFile(path, options);
  let first: IteratorResult<readonly CsvRecord[]>;
  try {
    first = await records.next();
  } catch (error) {
    return err(`cannot read ${path}: ${readError(error)}`);
  }
  const [headerRecord, ...rest] = first.done === true ? [] : first.value;
  if (headerRecord === undefined) {
    return err(`${path} is empty: it needs a header row naming its columns`);
  }
  if (headerRecord.problem !== undefined) {
    await records.return();
    return err(`${path}: the header row is not valid CSV: ${headerRecord.problem}`);
  }
  const header = readHeader(spec, headerRecord.fields);
  if (header.isErr()) {
    await records.return();
    return err(`${path}: ${header.error}`);
  }
  async function* rows(): AsyncGenerator<readonly CsvRecord[]> {
    if (rest.length > 0) yield rest;
    yield* records;
  }
  return ok({ header: header.value, rows: rows() });
}

export interface Rejection {
  readonly line: number;
  readonly reason: string;
}

/**
 * The rejected rows, in line order: the first `shownLimit` kept to print, and all of them written
 * to `reportPath` once there are more than that.
 */
export class RejectionLog {
  readonly shown: string[] = [];
  #count = 0;
  #fd: number | undefined;
  #fileError: string | undefined;

  constructor(
    readonly reportPath: string,
    readonly shownLimit = 1000,
  ) {}

  get count(): number {
    return this.#count;
  }

  /** Whether the full report went to `reportPath`. */
  get wroteFile(): boolean {
    return this.#fd !== undefined;
  }

  /** Why the full report could not be written, if it could not. */
  get fileError(): string | undefined {
    return this.#fileError;
  }

  add(rejections: readonly Rejection[]): void {
    const lines = rejections.map(({ line, reason }) => `line ${line}: ${reason}`);
    for (const line of lines) {
      if (this.shown.length < this.shownLimit) this.shown.push(line);
    }
    this.#count += lines.length;
    if (this.#count <= this.shownLimit || this.#fileError !== undefined) return;
    try {
      if (this.#fd === undefined) {
        this.#fd = openSync(this.reportPath, 'w');
        // Everything so far: the rows shown, then those past them in this call.
        const before = this.#count - lines.length;
        writeSync(
          this.#fd,
          `${[...this.shown, ...lines.slice(Math.max(0, this.shownLimit - before))].join('\n')}\n`,
        );
      } else {
        writeSync(this.#fd, `${lines.join('\n')}\n`);
      }
    } catch (error) {
      this.#fileError = (error as Error).message;
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
  }
}

/** Where an import is: counts so far, the last line read. */
export interface ImportState {
  /** Data rows read (blank rows are not counted). */
  readonly rows: number;
  readonly saved: number;
  readonly rejected: number;
  /** Saved rows whose id an earlier saved row had (the later row wins). */
  readonly repeated: number;
  /** The lines of the first `repeated` rows. */
  readonly repeatedLines: readonly number[];
  /** The last line whose row is saved or rejected. */
  readonly doneThroughLine: number;
}

const REPEATED_LINES_KEPT = 10;

/**
 * Validates rows and saves the valid ones through the directory, `batchSize` at a time (one transaction
 * each). A row with the id of an earlier one replaces it, as if the rows were saved one by one:
 * a batch never holds an id twice (it is saved before a row repeating one of its ids joins).
 * Rejections reach the log in line order.
 */
export class Importer<I> {
  readonly #spec: KindSpec<I>;
  readonly #header: Header;
  readonly #directory: Directory;
  readonly #log: RejectionLog;
  readonly #batchSize: number;

  #rows = 0;
  #saved = 0;
  #repeated = 0;
  readonly #repeatedLines: number[] = [];
  #doneThroughLine = 0;
  #lastLine = 0;
  readonly #savedIds = new Set<number>();
  #batch: ImportRow<I>[] = [];
  #batchLines: number[] = [];
  readonly #batchIds = new Set<number>();
  #rejections: Rejection[] = [];

  constructor(options: {
    readonly spec: KindSpec<I>;
    readonly header: Header;
    readonly directory: Directory;
    readonly log: RejectionLog;
    readonly batchSize?: number;
  }) {
    this.#spec = options.spec;
    this.#header = options.header;
    this.#directory = options.directory;
    this.#log = options.log;
    this.#batchSize = options.batchSize ?? 5000;
  }

  get state(): ImportState {
    return {
      rows: this.#rows,
      saved: this.#saved,
      rejected: this.#log.count,
      repeated: this.#repeated,
      repeatedLines: this.#repeatedLines,
      doneThroughLine: this.#doneThroughLine,
    };
  }

  /** Reads every record, saving as it goes; `onProgress` is called after each piece of the file. */
  async run(
    records: AsyncIterable<readonly CsvRecord[]>,
    onProgress?: (state: ImportState) => void,
  ): Promise<ImportState> {
    for await (const piece of records) {
      for (const record of piece) await this.#add(record);
      onProgress?.(this.state);
    }
    await this.#flush();
    return this.state;
  }

  async #add(record: CsvRecord): Promise<void> {
    const outcome = readRow(this.#spec, this.#header, record);
    if (outcome.type === 'blank') return;
    this.#rows += 1;
    this.#lastLine = record.line;
    if (outcome.type === 'rejected') {
      this.#rejections.push({ line: record.line, reason: outcome.reason });
      return;
    }
    if (this.#batchIds.has(outcome.row.id)) await this.#flush();
    this.#batch.push(outcome.row);
    this.#batchLines.push(record.line);
    this.#batchIds.add(outcome.row.id);
    if (this.#batch.length >= this.#batchSize) await this.#flush();
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    const lines = this.#batchLines;
    if (batch.length > 0) {
      const report = await this.#spec.save(this.#directory, batch);
      const refused = new Set<number>();
      for (const { index, problems } of report.rejected) {
        refused.add(index);
        this.#rejections.push({
          line: lines[index] ?? 0,
          reason: problems.map((p) => p.message).join('; '),
        });
      }
      for (const [index, row] of batch.entries()) {
        if (refused.has(index)) continue;
        if (this.#savedIds.has(row.id)) {
          this.#repeated += 1;
          if (this.#repeatedLines.length < REPEATED_LINES_KEPT) this.#repeatedLines.push(lines[index] ?? 0);
        } else {
          this.#savedIds.add(row.id);
        }
      }
      this.#saved += report.saved;
      this.#batch = [];
      this.#batchLines = [];
      this.#batchIds.clear();
    }
    if (this.#rejections.length > 0) {
      this.#log.add(this.#rejections.sort((a, b) => a.line - b.line));
      this.#rejections = [];
    }
    this.#doneThroughLine = this.#lastLine;
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The summary printed at the end: counts and time, ignored columns, repeated ids, rejected rows. */
export function formatSummary(options: {
  readonly spec: KindSpec<unknown>;
  readonly header: Header;
  readonly state: ImportState;
  readonly log: RejectionLog;
  readonly elapsedMs: number;
}): string[] {
  const { spec, header, state, log, elapsedMs } = options;
  const noun = state.saved === 1 ? spec.singular : spec.kind;
  const out = [
    `imported ${count(state.saved)} ${noun}, rejected ${count(state.rejected)}, in ${(elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (header.ignored.length > 0) out.push(`ignored columns: ${header.ignored.join(', ')}`);
  if (state.repeated > 0) {
    const more = state.repeated - state.repeatedLines.length;
    const lines = `${state.repeatedLines.join(', ')}${more > 0 ? `, and ${count(more)} more` : ''}`;
    out.push(
      state.repeated === 1
        ? `1 row repeats the ${spec.idColumn} of an earlier row, and replaces it: the last row wins (line ${lines})`
        : `${count(state.repeated)} rows repeat the ${spec.idColumn} of an earlier row, and replace it: the last row wins (lines ${lines})`,
    );
  }
  if (log.count > 0) {
    out.push('rejected rows:', ...log.shown);
    const hidden = log.count - log.shown.length;
    if (hidden > 0) {
      out.push(
        log.wroteFile && log.fileError === undefined
          ? `… and ${count(hidden)} more; all ${count(log.count)} rejected rows are in ${log.reportPath}`
          : `… and ${count(hidden)} more (could not write ${log.reportPath}: ${log.fileError})`,
      );
    }
  }
  return out;
}
