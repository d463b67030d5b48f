import { createReadStream } from 'node:fs';

/** One CSV record: its fields, and the physical line of the file where it starts (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record's quoting is broken; its fields are then a best guess. */
  readonly problem?: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

enum State {
  /** At the start of a field. */
  FieldStart,
  /** Inside a field that did not start with a quote. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: an escaped quote (`""`) or the closing one. */
  QuoteInQuoted,
  /** After a closing quote and a CR: only an LF may follow. */
  CrAfterQuote,
}

/**
 * An incremental RFC 4180 parser: feed it text in pieces of any size with `push` (a piece may end
 * anywhere, even between the CR and LF of a line end or inside a `""`), and `end` once the text is
 * over; both return the records they completed. Quoted fields may hold delimiters, `""` and line
 * ends; lines end in LF or CRLF. Blank lines are skipped, not records. A quote inside an unquoted
 * field is kept as a character (as spreadsheets read it); text after a closing quote, or a quote
 * left open at the end, makes the record come with a `problem`.
 */
export class CsvParser {
  readonly #delimiter: number;
  #state = State.FieldStart;
  #fields: string[] = [];
  #field = '';
  /** Whether the record's first field is quoted (so that `""` alone is a record, not a blank line). */
  #quoted = false;
  #problem: string | undefined;
  #line = 1;
  #recordLine = 1;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`unusable CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.#delimiter = delimiter.charCodeAt(0);
  }

  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const delimiter = this.#delimiter;
    const length = text.length;
    let i = 0;
    while (i < length) {
      switch (this.#state) {
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.#state = State.Quoted;
            if (this.#fields.length === 0) this.#quoted = true;
            i += 1;
          } else {
            this.#state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          // A run of ordinary characters at once; quotes are kept as characters here.
          let j = i;
          let c = 0;
          while (j < length) {
            c = text.charCodeAt(j);
            if (c === delimiter || c === LF) break;
            j += 1;
          }
          if (j > i) this.#field += text.slice(i, j);
          if (j === length) {
            i = j;
            break;
          }
          i = j + 1;
          if (c === delimiter) {
            this.#endField();
          } else {
            // The CR of a CRLF came in as part of the field.
            if (this.#field.charCodeAt(this.#field.length - 1) === CR) this.#field = this.#field.slice(0, -1);
            this.#endLine(records);
          }
          break;
        }
        case State.Quoted: {
          let j = text.indexOf('"', i);
          if (j === -1) j = length;
          this.#field += text.slice(i, j);
          for (let k = text.indexOf('\n', i); k !== -1 && k < j; k = text.indexOf('\n', k + 1)) {
            this.#line += 1;
          }
          i = j;
          if (j < length) {
            this.#state = State.QuoteInQuoted;
            i += 1;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          i += 1;
          if (c === QUOTE) {
            this.#field += '"';
            this.#state = State.Quoted;
          } else if (c === delimiter) {
            this.#endField();
          } else if (c === LF) {
            this.#endLine(records);
          } else if (c === CR) {
            this.#state = State.CrAfterQuote;
          } else {
            this.#brokenQuote();
            this.#field += text[i - 1];
          }
          break;
        }
        case State.CrAfterQuote: {
          const c = text.charCodeAt(i);
          i += 1;
          if (c === LF) {
            this.#endLine(records);
          } else {
            this.#brokenQuote();
            this.#field += `\r${text[i - 1]}`;
            if (c === delimiter) {
              // Keep the delimiter as a delimiter: the field ends here.
              this.#field = this.#field.slice(0, -1);
              this.#endField();
            }
          }
          break;
        }
      }
    }
    return records;
  }

  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.#state === State.Quoted) {
      this.#problem ??= `a quoted field opened on line ${this.#quoteLine()} never closes`;
    }
    if (this.#state === State.Unquoted && this.#field.endsWith('\r')) this.#field = this.#field.slice(0, -1);
    if (!this.#blank()) this.#endRecord(records);
    this.#state = State.FieldStart;
    return records;
  }

  /** The line where the open quoted field started (the record's line, or a later one). */
  #quoteLine(): number {
    const newlines = this.#field.split('\n').length - 1;
    return this.#line - newlines;
  }

  /** Whether the record so far is an empty line. */
  #blank(): boolean {
    return this.#fields.length === 0 && this.#field === '' && !this.#quoted;
  }

  #brokenQuote(): void {
    this.#problem ??= `column ${this.#fields.length + 1} has text after its closing quote`;
    this.#state = State.Unquoted;
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    this.#state = State.FieldStart;
  }

  #endLine(records: CsvRecord[]): void {
    if (this.#blank()) this.#field = '';
    else this.#endRecord(records);
    this.#state = State.FieldStart;
    this.#line += 1;
    this.#recordLine = this.#line;
  }

  #endRecord(records: CsvRecord[]): void {
    this.#fields.push(this.#field);
    records.push(
      this.#problem === undefined
        ? { line: this.#recordLine, fields: this.#fields }
        : { line: this.#recordLine, fields: this.#fields, problem: this.#problem },
    );
    this.#fields = [];
    this.#field = '';
    this.#quoted = false;
    this.#problem = undefined;
  }
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

/**
 * The records of a UTF-8 CSV file (a BOM is dropped; bytes that are not UTF-8 become U+FFFD),
 * streamed: the file is read a piece at a time. The delimiter comes from the first line (see
 * `detectDelimiter`). Yields batches of records, in file order, as each piece is parsed.
 */
export async function* readCsvFile(
  path: string,
  options: CsvFileOptions = {},
): AsyncGenerator<readonly CsvRecord[], void, undefined> {
  const decoder = new TextDecoder('utf-8');
  const stream = createReadStream(path, { highWaterMark: options.highWaterMark ?? 256 * 1024 });
  let parser: CsvParser | undefined;
  let head = '';
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    if (parser === undefined) {
      head += text;
      const firstLineEnd = head.indexOf('\n');
      if (firstLineEnd === -1) continue;
      parser = new CsvParser(detectDelimiter(head.slice(0, firstLineEnd)));
      const records = parser.push(head);
      head = '';
      options.onBytes?.(bytes);
      if (records.length > 0) yield records;
      continue;
    }
    const records = parser.push(text);
    options.onBytes?.(bytes);
    if (records.length > 0) yield records;
  }
  const rest = decoder.decode();
  parser ??= new CsvParser(detectDelimiter(head));
  const records = [...parser.push(head + rest), ...parser.end()];
  options.onBytes?.(bytes);
  if (records.length > 0) yield records;
}
