import { createReadStream } from 'node:fs';
import { type CsvError, type Info, type Parser, parse } from 'csv-parse';

/** One CSV record: its fields, and the physical line of the file where it starts (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record cannot be read (a quoted field that never closes); its fields are then unknown. */
  readonly problem?: string;
}

/**
 * The delimiter a file uses, from its header line: `;` when the line has semicolons and no comma
 * (spreadsheets set to a language that writes decimal commas export that way), else `,`.
 */
export function detectDelimiter(headerLine: string): ',' | ';' {
  return !headerLine.includes(',') && headerLine.includes(';') ? ';' : ',';
}

export interface CsvFileOptions {
  /** Called as the file is read, with the bytes read so far. */
  readonly onBytes?: (bytesRead: number) => void;
  readonly highWaterMark?: number;
}

/** A record as csv-parse gives it with `info: true`. */
interface ParsedRecord {
  readonly record: string[];
  readonly info: Pick<Info, 'bytes' | 'lines' | 'empty_lines'>;
}

const LF = 0x0a;
const CR = 0x0d;

function lineFeedsIn(text: string | Buffer): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/**
 * Numbers records by the line where each starts. csv-parse's `info.lines` is the line where a
 * record ends, and it counts a carriage return inside a field as a line break (a CRLF inside
 * quotes counts twice); so a record starts one line after the previous one ended, past the empty
 * lines csv-parse skipped, and ends as many lines later as its fields hold line feeds.
 */
class LineNumbers {
  /** The line where the last record ended, and the byte after it. */
  #end = 0;
  #endByte = 0;
  /** Where in the file the current parser started, and its counts at the last record. */
  #base = 0;
  #lines = 0;
  #empty = 0;

  get end(): number {
    return this.#end;
  }

  get endByte(): number {
    return this.#endByte;
  }

  /** Continues with a parser that starts reading at byte `base` of the file. */
  restart(base: number): void {
    this.#base = base;
    this.#lines = 0;
    this.#empty = 0;
  }

  /** Where a byte offset the current parser reports is in the file. */
  byteAt(offset: number): number {
    return this.#base + offset;
  }

  /** The start line of the next record, given the current parser's count of empty lines so far. */
  startOf(emptyLines: number): number {
    return this.#end + (emptyLines - this.#empty) + 1;
  }

  next({ record, info }: ParsedRecord): CsvRecord {
    const line = this.startOf(info.empty_lines);
    // Usually csv-parse counted one line for the record: nothing inside it breaks a line.
    const oneLine = info.lines - this.#lines === info.empty_lines - this.#empty + 1;
    this.#end = oneLine ? line : line + record.reduce((sum, field) => sum + lineFeedsIn(field), 0);
    this.#endByte = this.byteAt(info.bytes);
    this.#lines = info.lines;
    this.#empty = info.empty_lines;
    return { line, fields: record };
  }
}

/**
 * A csv-parse stream for the CLI's files: RFC 4180 quoting; LF or CRLF line ends (a lone CR is a
 * character); blank lines skipped; rows of any width (the header check judges them); a quote inside
 * an unquoted field kept as a character, as spreadsheets read it (`relax_quotes`, which also keeps
 * text after a closing quote, quotes and all). A quote still open at the end of the file would end
 * the stream with an error and lose the records read just before it, so it is skipped instead
 * (`skip_records_with_error`) and handed to `onSkip`; with these options no other record is skipped.
 * `to: 1` stops after the first record.
 */
function createParser(delimiter: ',' | ';', to: 1 | undefined, onSkip: (error: CsvError) => void): Parser {
  return parse({
    delimiter,
    to,
    bom: true,
    info: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error !== undefined) onSkip(error);
    },
  });
}

/** A number csv-parse put on its error (a copy of its `info` where the error happened). */
function numberOn(error: CsvError, key: string): number {
  const value = error[key];
  return typeof value === 'number' ? value : 0;
}

async function lineFeedsBetween(path: string, start: number, end: number): Promise<number> {
  if (end <= start) return 0;
  let count = 0;
  for await (const chunk of createReadStream(path, { start, end: end - 1 }) as AsyncIterable<Buffer>) {
    count += lineFeedsIn(chunk);
  }
  return count;
}

/** The record csv-parse skipped, as a record with a problem, numbered after those read before it. */
async function unreadRecord(path: string, error: CsvError, lines: LineNumbers): Promise<CsvRecord> {
  const line = lines.startOf(numberOn(error, 'empty_lines'));
  if (error.code !== 'CSV_QUOTE_NOT_CLOSED') return { line, fields: [], problem: error.message };
  // The open quote starts the record, or follows the last delimiter csv-parse read (its `bytes`):
  // rare enough to count the line feeds before it again.
  const opened =
    numberOn(error, 'index') === 0
      ? line
      : lines.end + 1 + (await lineFeedsBetween(path, lines.endByte, lines.byteAt(numberOn(error, 'bytes'))));
  return { line, fields: [], problem: `a quoted field opened on line ${opened} never closes` };
}

/** One run of csv-parse over the file from byte `start`: over the header alone, or over the rows after it. */
interface Pass {
  readonly start: number;
  readonly delimiter: (firstLine: string) => ',' | ';';
  readonly headerOnly: boolean;
}

/** How a pass ended: the delimiter it used, and the byte after the header when it read one. */
interface PassEnd {
  readonly delimiter: ',' | ';';
  readonly rowsFrom?: number;
}

async function* parseFile(
  path: string,
  pass: Pass,
  lines: LineNumbers,
  options: CsvFileOptions,
): AsyncGenerator<readonly CsvRecord[], PassEnd, undefined> {
  const file = createReadStream(path, {
    start: pass.start,
    highWaterMark: options.highWaterMark ?? 256 * 1024,
  });
  lines.restart(pass.start);
  const skipped: CsvError[] = [];
  let delimiter: ',' | ';' = ',';
  let parser: Parser | undefined;
  /** The pieces read before the first line end, which names the delimiter. */
  const head: Buffer[] = [];
  let bytes = pass.start;
  let lastByte: number | undefined;

  const start = (): Parser => {
    const text = Buffer.concat(head);
    const lineEnd = text.indexOf(LF);
    delimiter = pass.delimiter(text.toString('utf8', 0, lineEnd === -1 ? text.length : lineEnd));
    const started = createParser(delimiter, pass.headerOnly ? 1 : undefined, (error) => skipped.push(error));
    // Not thrown from here: a failure is read from `errored` where the records are taken.
    started.on('error', () => undefined);
    if (text.length > 0) started.write(text);
    return started;
  };

  /**
   * After a header that could be read, the rows start where it ends (the file may end there too;
   * the LF added to a last CR is not in the file).
   */
  const passEnd = (records: readonly CsvRecord[]): PassEnd =>
    pass.headerOnly && records.some((record) => record.problem === undefined)
      ? { delimiter, rowsFrom: Math.min(lines.endByte, bytes) }
      : { delimiter };

  /** The records the parser has ready, then those it skipped. */
  const take = async (from: Parser): Promise<CsvRecord[]> => {
    if (from.errored !== null) throw from.errored;
    const records: CsvRecord[] = [];
    for (let item = from.read() as ParsedRecord | null; item !== null; item = from.read()) {
      records.push(lines.next(item));
    }
    for (const error of skipped.splice(0)) records.push(await unreadRecord(path, error, lines));
    return records;
  };

  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      lastByte = chunk.at(-1);
      if (parser === undefined) {
        head.push(chunk);
        if (!chunk.includes(LF)) continue;
        parser = start();
      } else {
        parser.write(chunk);
      }
      const records = await take(parser);
      if (pass.headerOnly) {
        // The rows' pass reports the bytes read, from the header's end on.
        if (records.length === 0) continue;
        yield records;
        return passEnd(records);
      }
      options.onBytes?.(bytes);
      if (records.length > 0) yield records;
    }
    parser ??= start();
    // A file cut short between the CR and LF of its last line end reads as if the LF were there.
    parser.end(lastByte === CR ? '\n' : undefined);
    const records: CsvRecord[] = [];
    for await (const item of parser as AsyncIterable<ParsedRecord>) records.push(lines.next(item));
    records.push(...(await take(parser)));
    options.onBytes?.(bytes);
    if (records.length > 0) yield records;
    return passEnd(records);
  } finally {
    parser?.destroy();
  }
}

/**
 * The records of a UTF-8 CSV file (a BOM is dropped; bytes that are not UTF-8 become U+FFFD),
 * streamed through csv-parse: the file is read a piece at a time. The delimiter comes from the
 * first line (see `detectDelimiter`). Yields batches of records, in file order, as each piece is
 * parsed.
 */
export async function* readCsvFile(
  path: string,
  options: CsvFileOptions = {},
): AsyncGenerator<readonly CsvRecord[], void, undefined> {
  const lines = new LineNumbers();
  // The header gets a parser of its own: csv-parse builds an error object (a stack trace and a
  // deep copy) for each row whose width differs from the first record's, even with
  // relax_column_count, which made a file of rows shorter than their header read ten times slower.
  const header = yield* parseFile(
    path,
    { start: 0, delimiter: detectDelimiter, headerOnly: true },
    lines,
    options,
  );
  if (header.rowsFrom === undefined) return;
  yield* parseFile(
    path,
    { start: header.rowsFrom, delimiter: () => header.delimiter, headerOnly: false },
    lines,
    options,
  );
}
