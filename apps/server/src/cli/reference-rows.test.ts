import { describe, expect, it } from 'vitest';
import { type Header, type KindSpec, kindSpecs, readHeader, readRow } from './reference-rows.js';

function header(spec: KindSpec<unknown>, fields: string[]): Header {
  return readHeader(spec, fields)._unsafeUnwrap();
}

function row<I>(spec: KindSpec<I>, columns: string[], fields: string[], problem?: string) {
  const record = problem === undefined ? { line: 7, fields } : { line: 7, fields, problem };
  return readRow(spec, header(spec as KindSpec<unknown>, columns), record);
}

describe('reading the header row', () => {
  it('finds the columns in any order and any case, and lists the ones it ignores', () => {
    const h = header(kindSpecs.services, [' Customer_Name ', 'PLAN', 'zone_id', 'Service_ID', 'Dirección']);
    expect(h.positions).toEqual(
      new Map([
        ['customer_name', 0],
        ['zone_id', 2],
        ['service_id', 3],
      ]),
    );
    expect(h.ignored).toEqual(['PLAN', 'Dirección']);
    expect(h.width).toBe(5);
  });

  it('names the required column that is missing, and what the header has', () => {
    expect(readHeader(kindSpecs.services, ['service_id', 'zona', 'cliente'])._unsafeUnwrapErr()).toBe(
      'the header has no zone_id column (services need service_id, zone_id (optional: customer_name); the header has service_id, zona, cliente)',
    );
    expect(readHeader(kindSpecs.zones, ['nombre'])._unsafeUnwrapErr()).toMatch(
      /^the header has no zone_id or name column/,
    );
  });

  it('refuses a column named twice', () => {
    expect(readHeader(kindSpecs.zones, ['zone_id', 'name', 'NAME'])._unsafeUnwrapErr()).toBe(
      'the header names the column name twice',
    );
  });
});

describe('reading a zone row', () => {
  const columns = ['zone_id', 'name', 'max_active_tickets'];

  it('trims cells and reads an empty limit as absent', () => {
    expect(row(kindSpecs.zones, columns, [' 12 ', '  Barrio Centro ', ''])).toEqual({
      type: 'row',
      row: { id: 12, input: { name: 'Barrio Centro' } },
    });
    expect(row(kindSpecs.zones, columns, ['3', 'Norte', '5'])).toEqual({
      type: 'row',
      row: { id: 3, input: { name: 'Norte', max_active_tickets: 5 } },
    });
  });

  it('names every field that is wrong, with the value it got', () => {
    expect(row(kindSpecs.zones, columns, ['-4', '', 'tres'])).toEqual({
      type: 'rejected',
      reason:
        'zone_id: must be a positive integer (got "-4"); name: is required; max_active_tickets: must be a positive integer (got "tres")',
    });
  });

  it('refuses ids that are zero, decimal or too large for an integer', () => {
    for (const id of ['0', '1.0', '1e3', '99999999999999999999']) {
      expect(row(kindSpecs.zones, columns, [id, 'Norte', ''])).toMatchObject({
        type: 'rejected',
        reason: expect.stringMatching(/^zone_id: must be a positive integer/),
      });
    }
  });

  it('shortens a long refused value', () => {
    const outcome = row(kindSpecs.zones, ['zone_id', 'name'], ['1', 'x'.repeat(201)]);
    expect(outcome).toEqual({
      type: 'rejected',
      reason: `name: must be at most 200 characters (got "${'x'.repeat(40)}…")`,
    });
  });
});

describe('reading a technician row', () => {
  const columns = ['technician_id', 'name', 'active'];

  it('reads true/false, 1/0 and sí/no in any case, and an empty cell as active', () => {
    const active = (cell: string) => {
      const outcome = row(kindSpecs.technicians, columns, ['5', 'Ana Gómez', cell]);
      return outcome.type === 'row' ? (outcome.row.input.active ?? true) : outcome;
    };
    expect(['true', 'TRUE', '1', 'si', 'Sí', 'SÍ', ''].map(active)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['false', 'False', '0', 'no', 'NO'].map(active)).toEqual([false, false, false, false, false]);
  });

  it('refuses any other word for active', () => {
    expect(row(kindSpecs.technicians, columns, ['5', 'Ana', 'quizás'])).toEqual({
      type: 'rejected',
      reason: 'active: must be true/false, 1/0 or sí/no (got "quizás")',
    });
  });
});

describe('reading a service row', () => {
  const columns = ['service_id', 'zone_id', 'customer_name', 'plan'];

  it('reads an empty customer name as absent and ignores extra columns', () => {
    expect(row(kindSpecs.services, columns, ['100', '2', '', '30 Mbps'])).toEqual({
      type: 'row',
      row: { id: 100, input: { zone_id: 2 } },
    });
  });

  it('reads a row shorter than the header with its missing cells empty', () => {
    expect(row(kindSpecs.services, columns, ['100', '2'])).toEqual({
      type: 'row',
      row: { id: 100, input: { zone_id: 2 } },
    });
    expect(row(kindSpecs.services, columns, ['100'])).toEqual({
      type: 'rejected',
      reason: 'zone_id: is required',
    });
  });

  it('refuses a row with text past the header, whose cells may have shifted', () => {
    expect(row(kindSpecs.services, columns, ['100', '2', 'Pérez', ' Luis', '30 Mbps'])).toEqual({
      type: 'rejected',
      reason: 'has 5 fields, the header has 4 (a delimiter inside a value that is not quoted?)',
    });
  });

  it('reads a row with empty cells past the header like any other', () => {
    expect(row(kindSpecs.services, columns, ['100', '2', '', '', '', ' '])).toEqual({
      type: 'row',
      row: { id: 100, input: { zone_id: 2 } },
    });
  });

  it('skips a row whose cells are all empty', () => {
    expect(row(kindSpecs.services, columns, ['', ' ', '', ''])).toEqual({ type: 'blank' });
  });

  it('passes on the problem of a record with broken quoting', () => {
    expect(
      row(kindSpecs.services, columns, ['100', '2x'], 'column 2 has text after its closing quote'),
    ).toEqual({ type: 'rejected', reason: 'column 2 has text after its closing quote' });
  });

  it('passes on the problem of a record whose fields could not be read', () => {
    expect(row(kindSpecs.services, columns, [], 'a quoted field opened on line 7 never closes')).toEqual({
      type: 'rejected',
      reason: 'a quoted field opened on line 7 never closes',
    });
  });

  it('refuses text that was not UTF-8, naming the column', () => {
    expect(row(kindSpecs.services, columns, ['100', '2', 'Pe\uFFFDa', ''])).toEqual({
      type: 'rejected',
      reason: 'customer_name: is not UTF-8 text (save the file as "CSV UTF-8")',
    });
  });
});
