import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord, detectDelimiter, readCsvFile } from './csv.js';

/** Parses text fed in pieces cut at the given offsets. */
function parse(text: string, { delimiter = ',', cuts = [] as number[] } = {}): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  const records: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    records.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...parser.push(text.slice(from)), ...parser.end());
  return records;
}

const fieldsOf = (records: readonly CsvRecord[]) => records.map((r) => r.fields);
const linesOf = (records: readonly CsvRecord[]) => records.map((r) => r.line);

describe('the CSV parser', () => {
  it('splits plain records on commas and LF line ends', () => {
    expect(fieldsOf(parse('a,b,c\n1,2,3\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads CRLF line ends without keeping the CR', () => {
    expect(fieldsOf(parse('a,b\r\n1,2\r\n3,4'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reads a last record that has no line end', () => {
    expect(fieldsOf(parse('a,b\n1,2'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps commas, doubled quotes and line ends inside quoted fields', () => {
    expect(fieldsOf(parse('id,name\n1,"Pérez, Luis"\n2,"El ""Gordo"""\n3,"dos\nlíneas"\n'))).toEqual([
      ['id', 'name'],
      ['1', 'Pérez, Luis'],
      ['2', 'El "Gordo"'],
      ['3', 'dos\nlíneas'],
    ]);
  });

  it('keeps CRLF inside a quoted field as it is', () => {
    expect(fieldsOf(parse('a,b\r\n1,"x\r\ny"\r\n'))).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
    ]);
  });

  it('numbers each record by the physical line where it starts, past multi-line fields and blank lines', () => {
    const text = 'a,b\r\n1,"one\r\ntwo\r\nthree"\r\n\r\n2,x\n\n\n3,"p\nq"\n4,y\n';
    const records = parse(text);
    expect(fieldsOf(records).map((f) => f[0])).toEqual(['a', '1', '2', '3', '4']);
    expect(linesOf(records)).toEqual([1, 2, 6, 9, 11]);
  });

  it('skips blank lines but keeps a line that is only an empty quoted field', () => {
    expect(fieldsOf(parse('a\n\n\r\n""\n'))).toEqual([['a'], ['']]);
  });

  it('keeps empty fields, also at the end of a line', () => {
    expect(fieldsOf(parse('a,,c,\n,,,\n'))).toEqual([
      ['a', '', 'c', ''],
      ['', '', '', ''],
    ]);
  });

  it('uses a semicolon as the delimiter when told to', () => {
    expect(fieldsOf(parse('a;b\n"1;5";2,5\n', { delimiter: ';' }))).toEqual([
      ['a', 'b'],
      ['1;5', '2,5'],
    ]);
  });

  it('keeps a quote in the middle of an unquoted field as a character', () => {
    expect(fieldsOf(parse('a,b\n1,5" pulgadas\n'))).toEqual([
      ['a', 'b'],
      ['1', '5" pulgadas'],
    ]);
  });

  it('flags a record with text after a closing quote, and goes on with the next one', () => {
    const records = parse('a,b\n1,"x"y\n2,z\n');
    expect(records[1]).toMatchObject({ line: 2, problem: 'column 2 has text after its closing quote' });
    expect(records[2]).toEqual({ line: 3, fields: ['2', 'z'] });
  });

  it('flags a quote that never closes with the line it opened on', () => {
    const records = parse('a,b\n1,ok\n2,"never\nclosed\n3,z\n');
    expect(records).toHaveLength(3);
    expect(records[2]).toMatchObject({ line: 3, problem: 'a quoted field opened on line 3 never closes' });
  });

  it('gives the same records however the text is cut into pieces', () => {
    const text = 'id,name\r\n1,"a,""b""\r\nc"\r\n\r\n2,plain\r\n3,""\r\n';
    const whole = parse(text);
    for (let cut = 0; cut <= text.length; cut += 1) {
      expect(parse(text, { cuts: [cut] })).toEqual(whole);
    }
  });

  it('refuses a quote or a line end as the delimiter', () => {
    expect(() => new CsvParser('"')).toThrow();
    expect(() => new CsvParser('\n')).toThrow();
  });
});

/** Writes records as RFC 4180 text: fields quoted when needed (or at random), lines ended by `eol`. */
function serialize(rows: readonly (readonly string[])[], eol: string, quoteAll: boolean, delimiter: string) {
  return rows
    .map((row) =>
      row
        .map((field) =>
          quoteAll || /["\r\n]/.test(field) || field.includes(delimiter) || field === ''
            ? `"${field.replaceAll('"', '""')}"`
            : field,
        )
        .join(delimiter),
    )
    .join(eol);
}

const fieldArb = fc.string({
  unit: fc.constantFrom('a', 'ñ', ' ', ',', ';', '"', '\n', '\r\n', 'é', '1'),
  maxLength: 8,
});

describe('the CSV parser, on any table', () => {
  test.prop(
    [
      fc.array(fc.array(fieldArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.constantFrom(',', ';'),
      fc.array(fc.nat(), { maxLength: 6 }),
    ],
    { numRuns: 300 },
  )(
    'reads back the fields and start lines of what an RFC 4180 writer wrote, cut anywhere',
    (rows, eol, quoteAll, delimiter, cutSeeds) => {
      const text = serialize(rows, eol, quoteAll, delimiter);
      const cuts = cutSeeds.map((seed) => seed % (text.length + 1));
      const records = parse(text, { delimiter, cuts });
      // Every field is quoted when empty, so no row is a blank line.
      expect(fieldsOf(records)).toEqual(rows);
      const expectedLines: number[] = [];
      let line = 1;
      for (const row of rows) {
        expectedLines.push(line);
        line += row.join('').split('\n').length;
      }
      expect(linesOf(records)).toEqual(expectedLines);
    },
  );
});

describe('choosing the delimiter from the header line', () => {
  it('takes a semicolon when the header has semicolons and no comma', () => {
    expect(detectDelimiter('service_id;zone_id;customer_name')).toBe(';');
  });

  it('takes a comma when the header has one, or has neither', () => {
    expect(detectDelimiter('service_id,zone_id;x')).toBe(',');
    expect(detectDelimiter('service_id')).toBe(',');
  });
});

describe('reading a CSV file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function readAll(name: string, bytes: Buffer | string, highWaterMark?: number) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const seen: number[] = [];
    const records: CsvRecord[] = [];
    for await (const batch of readCsvFile(path, { highWaterMark, onBytes: (n) => seen.push(n) })) {
      records.push(...batch);
    }
    return { records, seen };
  }

  it('drops a UTF-8 byte order mark and detects semicolons', async () => {
    const { records } = await readAll('bom.csv', '\uFEFFservice_id;zone_id\r\n1;2\r\n');
    expect(fieldsOf(records)).toEqual([
      ['service_id', 'zone_id'],
      ['1', '2'],
    ]);
  });

  it('decodes characters split across reads and reports the bytes read so far', async () => {
    const text = 'id,name\n1,Peñalosa\n2,"Gómez\nÁlvarez"\n3,Núñez\n';
    const { records, seen } = await readAll('split.csv', text, 3);
    expect(fieldsOf(records).map((f) => f[1])).toEqual(['name', 'Peñalosa', 'Gómez\nÁlvarez', 'Núñez']);
    expect(linesOf(records)).toEqual([1, 2, 3, 5]);
    expect(seen.at(-1)).toBe(Buffer.byteLength(text));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('reads a file of one line with no line end', async () => {
    const { records } = await readAll('one.csv', 'a;b');
    expect(fieldsOf(records)).toEqual([['a', 'b']]);
  });

  it('turns bytes that are not UTF-8 into replacement characters', async () => {
    const { records } = await readAll('latin1.csv', Buffer.from('id,name\n1,Pe\xf1a\n', 'latin1'));
    expect(records[1]?.fields[1]).toBe('Pe\uFFFDa');
  });
});
