import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvRecord, detectDelimiter, readCsvFile } from './csv.js';

const dir = mkdtempSync(join(tmpdir(), 'tickets-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

/** Writes the text to a file and reads it back, `highWaterMark` bytes at a time. */
async function read(text: Buffer | string, { highWaterMark }: { readonly highWaterMark?: number } = {}) {
  files += 1;
  const path = join(dir, `${files}.csv`);
  writeFileSync(path, text);
  const seen: number[] = [];
  const records: CsvRecord[] = [];
  for await (const batch of readCsvFile(path, { highWaterMark, onBytes: (n) => seen.push(n) })) {
    records.push(...batch);
  }
  return { records, seen };
}

const fieldsOf = (records: readonly CsvRecord[]) => records.map((r) => r.fields);
const linesOf = (records: readonly CsvRecord[]) => records.map((r) => r.line);
const fieldsIn = async (text: string) => fieldsOf((await read(text)).records);

describe('reading CSV text', () => {
  it('splits plain records on commas and LF line ends', async () => {
    expect(await fieldsIn('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads CRLF line ends without keeping the CR', async () => {
    expect(await fieldsIn('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reads a last record that has no line end', async () => {
    expect(await fieldsIn('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads a last row of a few characters right after the header', async () => {
    expect(await fieldsIn('a,b\nc')).toEqual([['a', 'b'], ['c']]);
  });

  it('reads a file cut short between the CR and LF of its last line end as if the LF were there', async () => {
    expect(await fieldsIn('a,b\r\n1,"x"\r')).toEqual([
      ['a', 'b'],
      ['1', 'x'],
    ]);
  });

  it('keeps commas, doubled quotes and line ends inside quoted fields', async () => {
    expect(await fieldsIn('id,name\n1,"Pérez, Luis"\n2,"El ""Gordo"""\n3,"dos\nlíneas"\n')).toEqual([
      ['id', 'name'],
      ['1', 'Pérez, Luis'],
      ['2', 'El "Gordo"'],
      ['3', 'dos\nlíneas'],
    ]);
  });

  it('keeps CRLF inside a quoted field as it is', async () => {
    expect(await fieldsIn('a,b\r\n1,"x\r\ny"\r\n')).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
    ]);
  });

  it('numbers each record by the physical line where it starts, past multi-line fields and blank lines', async () => {
    const { records } = await read('a,b\r\n1,"one\r\ntwo\r\nthree"\r\n\r\n2,x\n\n\n3,"p\nq"\n4,y\n');
    expect(fieldsOf(records).map((f) => f[0])).toEqual(['a', '1', '2', '3', '4']);
    expect(linesOf(records)).toEqual([1, 2, 6, 9, 11]);
  });

  it('does not count a carriage return that ends no line as a line', async () => {
    const { records } = await read('a,b\r\n1,"x\ry"\r\n2,z\rw\r\n3,"p\r\n\rq"\r\n4,v\r\n');
    expect(fieldsOf(records)).toEqual([
      ['a', 'b'],
      ['1', 'x\ry'],
      ['2', 'z\rw'],
      ['3', 'p\r\n\rq'],
      ['4', 'v'],
    ]);
    expect(linesOf(records)).toEqual([1, 2, 3, 4, 6]);
  });

  it('skips blank lines but keeps a line that is only an empty quoted field', async () => {
    expect(await fieldsIn('a\n\n\r\n""\n')).toEqual([['a'], ['']]);
  });

  it('keeps empty fields, also at the end of a line', async () => {
    expect(await fieldsIn('a,,c,\n,,,\n')).toEqual([
      ['a', '', 'c', ''],
      ['', '', '', ''],
    ]);
  });

  it('reads rows with fewer or more fields than the header', async () => {
    expect(await fieldsIn('a,b,c\n1\n1,2,3,4\n')).toEqual([['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']]);
  });

  it('reads semicolons as the delimiter when the header line has them and no comma', async () => {
    expect(await fieldsIn('a;b\n"1;5";2,5\n')).toEqual([
      ['a', 'b'],
      ['1;5', '2,5'],
    ]);
  });

  it('keeps a quote in the middle of an unquoted field as a character', async () => {
    expect(await fieldsIn('a,b\n1,5" pulgadas\n')).toEqual([
      ['a', 'b'],
      ['1', '5" pulgadas'],
    ]);
  });

  it('keeps text after a closing quote in the field, quotes and all, and goes on with the next record', async () => {
    const { records } = await read('a,b\n1,"x"y\n2,z\n');
    expect(records.slice(1)).toEqual([
      { line: 2, fields: ['1', '"x"y'] },
      { line: 3, fields: ['2', 'z'] },
    ]);
  });

  it('flags a quote that never closes with the line it opened on, after the records before it', async () => {
    const { records } = await read('a,b\n1,ok\n2,"never\nclosed\n3,z\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'ok'] },
      { line: 3, fields: [], problem: 'a quoted field opened on line 3 never closes' },
    ]);
  });

  it('names the line where the open quote is when the record began on an earlier line', async () => {
    const { records } = await read('a,b,c\r\n\r\n1,"x\r\ny\r\nz","never\r\n');
    expect(records.at(-1)).toEqual({
      line: 3,
      fields: [],
      problem: 'a quoted field opened on line 5 never closes',
    });
  });

  it('gives the same records however the file is read in pieces', async () => {
    const text = '\uFEFFid,name\r\n1,"a,""b""\r\nc"\r\n\r\n2,plain\r\n3,""\r\n4,"Núñez"\r\n5,"open\r\n';
    const { records: whole } = await read(text);
    expect(whole).toHaveLength(6);
    for (let size = 1; size <= Buffer.byteLength(text); size += 1) {
      expect((await read(text, { highWaterMark: size })).records).toEqual(whole);
    }
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
  unit: fc.constantFrom('a', 'ñ', ' ', ',', ';', '"', '\n', '\r\n', '\r', 'é', '1'),
  maxLength: 8,
});

describe('reading CSV text, on any table', () => {
  test.prop(
    [
      fc.array(fc.array(fieldArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.constantFrom(',', ';'),
      fc.integer({ min: 1, max: 64 }),
    ],
    { numRuns: 300 },
  )(
    'reads back the fields and start lines of what an RFC 4180 writer wrote, in pieces of any size',
    async (rows, eol, quoteAll, delimiter, highWaterMark) => {
      // A header line that names the delimiter.
      const table = [['h1', 'h2'], ...rows];
      const { records } = await read(serialize(table, eol, quoteAll, delimiter), { highWaterMark });
      // Every field is quoted when empty, so no row is a blank line.
      expect(fieldsOf(records)).toEqual(table);
      const expectedLines: number[] = [];
      let line = 1;
      for (const row of table) {
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
  it('drops a UTF-8 byte order mark and detects semicolons', async () => {
    const { records } = await read('\uFEFFservice_id;zone_id\r\n1;2\r\n');
    expect(fieldsOf(records)).toEqual([
      ['service_id', 'zone_id'],
      ['1', '2'],
    ]);
  });

  it('decodes characters split across reads and reports the bytes read so far', async () => {
    const text = 'id,name\n1,Peñalosa\n2,"Gómez\nÁlvarez"\n3,Núñez\n';
    const { records, seen } = await read(text, { highWaterMark: 3 });
    expect(fieldsOf(records).map((f) => f[1])).toEqual(['name', 'Peñalosa', 'Gómez\nÁlvarez', 'Núñez']);
    expect(linesOf(records)).toEqual([1, 2, 3, 5]);
    expect(seen.at(-1)).toBe(Buffer.byteLength(text));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('reads a file of one line with no line end', async () => {
    expect(await fieldsIn('a;b')).toEqual([['a', 'b']]);
  });

  it('turns bytes that are not UTF-8 into replacement characters', async () => {
    const { records } = await read(Buffer.from('id,name\n1,Pe\xf1a\n', 'latin1'));
    expect(records[1]?.fields[1]).toBe('Pe\uFFFDa');
  });
});
