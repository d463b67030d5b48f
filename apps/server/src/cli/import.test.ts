import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirectory, type TicketStore } from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/server-process.js';
import { formatSummary, Importer, openCsvFile, RejectionLog } from './import.js';
import { type ImportKind, type KindSpec, kindSpecs } from './reference-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'tickets-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

/** Imports CSV text into the store, as `pnpm tickets import` does. */
async function importText(
  kind: ImportKind,
  text: string,
  { store = createMemoryTicketStore(), batchSize = 5000, shownLimit = 1000 } = {},
) {
  files += 1;
  const path = join(dir, `${kind}-${files}.csv`);
  writeFileSync(path, text);
  const spec = kindSpecs[kind] as KindSpec<unknown>;
  const source = (await openCsvFile(path, spec))._unsafeUnwrap();
  const log = new RejectionLog(join(dir, `${kind}-${files}.rejected.txt`), shownLimit);
  const batches: number[][] = [];
  const spying: KindSpec<unknown> = {
    ...spec,
    save: (d, rows) => {
      batches.push(rows.map((r) => r.id));
      return spec.save(d, rows);
    },
  };
  const importer = new Importer({
    spec: spying,
    header: source.header,
    directory: createDirectory(store),
    log,
    batchSize,
  });
  const state = await importer.run(source.rows);
  log.close();
  const summary = formatSummary({ spec, header: source.header, state, log, elapsedMs: 1234 });
  return { state, log, summary, batches, store };
}

async function zonesIn(store: TicketStore) {
  return store.listZones({ limit: 1000 });
}

describe('importing a CSV file through the directory', () => {
  it('saves every valid row, in batches of the given size', async () => {
    const text = `zone_id,name,max_active_tickets\n${Array.from({ length: 7 }, (_, i) => `${i + 1},Zona ${i + 1},`).join('\n')}\n`;
    const { state, batches, store, summary } = await importText('zones', text, { batchSize: 3 });
    expect(state).toMatchObject({ rows: 7, saved: 7, rejected: 0, repeated: 0, doneThroughLine: 8 });
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect((await zonesIn(store)).map((z) => z.name)).toEqual([
      'Zona 1',
      'Zona 2',
      'Zona 3',
      'Zona 4',
      'Zona 5',
      'Zona 6',
      'Zona 7',
    ]);
    expect(summary).toEqual(['imported 7 zones, rejected 0, in 1.2 s']);
  });

  it('reports rows the schemas refuse and rows the directory refuses together, by line', async () => {
    const store = createMemoryTicketStore();
    await store.saveZones([{ zone_id: 1, name: 'Centro', max_active_tickets: null }]);
    const text = [
      'service_id;zone_id;customer_name;plan',
      '100;1;"Pérez;\nLuis";10 Mbps',
      '101;99;Ana;20 Mbps',
      'abc;1;Juan;',
      '102;1;;',
      '103;98;;',
    ].join('\r\n');
    const { state, summary } = await importText('services', text, { store, batchSize: 2 });
    expect(state).toMatchObject({ rows: 5, saved: 2, rejected: 3 });
    expect(summary).toEqual([
      'imported 2 services, rejected 3, in 1.2 s',
      'ignored columns: plan',
      'rejected rows:',
      'line 4: zone_id: no zone 99',
      'line 5: service_id: must be a positive integer (got "abc")',
      'line 7: zone_id: no zone 98',
    ]);
    expect(await store.listServices({ limit: 10 })).toEqual([
      { service_id: 100, zone_id: 1, customer_name: 'Pérez;\nLuis' },
      { service_id: 102, zone_id: 1, customer_name: null },
    ]);
  });

  it('lets the last row with an id win, and never sends an id twice in one batch', async () => {
    const text = 'zone_id,name\n1,Uno\n2,Dos\n1,Uno bis\n3,Tres\n1,Uno ter\n2,Dos bis\n';
    const { state, batches, store, summary } = await importText('zones', text, { batchSize: 100 });
    for (const batch of batches) expect(new Set(batch).size).toBe(batch.length);
    expect(state).toMatchObject({ rows: 6, saved: 6, repeated: 3, repeatedLines: [4, 6, 7] });
    expect((await zonesIn(store)).map((z) => [z.zone_id, z.name])).toEqual([
      [1, 'Uno ter'],
      [2, 'Dos bis'],
      [3, 'Tres'],
    ]);
    expect(summary[1]).toBe(
      '3 rows repeat the zone_id of an earlier row, and replace it: the last row wins (lines 4, 6, 7)',
    );
  });

  it('keeps the earlier row of an id when the later one is refused', async () => {
    const store = createMemoryTicketStore();
    await store.saveZones([{ zone_id: 1, name: 'Centro', max_active_tickets: null }]);
    const text = 'service_id,zone_id\n100,1\n100,99\n100,\n';
    const { state } = await importText('services', text, { store });
    expect(state).toMatchObject({ saved: 1, rejected: 2, repeated: 0 });
    expect(await store.listServices({ limit: 10 })).toEqual([
      { service_id: 100, zone_id: 1, customer_name: null },
    ]);
  });

  it('reads technicians with their active flag', async () => {
    const text = 'name,technician_id,active\nAna Gómez,5,sí\nLuis Pérez,6,no\nMarta Ruiz,7,\n';
    const { store } = await importText('technicians', text);
    expect(await store.listTechnicians({ limit: 10 })).toEqual([
      { technician_id: 5, name: 'Ana Gómez', active: true },
      { technician_id: 6, name: 'Luis Pérez', active: false },
      { technician_id: 7, name: 'Marta Ruiz', active: true },
    ]);
  });

  it('does not count blank rows, and numbers rows after them by their physical line', async () => {
    const text = 'zone_id,name\n\n,\n1,Uno\n\n,,\nx,Dos\n';
    const { state, summary } = await importText('zones', text);
    expect(state).toMatchObject({ rows: 2, saved: 1, rejected: 1 });
    expect(summary.at(-1)).toBe('line 7: zone_id: must be a positive integer (got "x")');
  });

  it('prints the first rejected rows and writes them all next to the file when there are too many', async () => {
    const text = `zone_id,name\n${Array.from({ length: 8 }, (_, i) => `${i + 1},`).join('\n')}\n9,Nueve\n`;
    const { summary, log, state } = await importText('zones', text, { shownLimit: 3, batchSize: 2 });
    expect(state).toMatchObject({ saved: 1, rejected: 8 });
    expect(summary).toEqual([
      'imported 1 zone, rejected 8, in 1.2 s',
      'rejected rows:',
      'line 2: name: is required',
      'line 3: name: is required',
      'line 4: name: is required',
      `… and 5 more; all 8 rejected rows are in ${log.reportPath}`,
    ]);
    expect(readFileSync(log.reportPath, 'utf8')).toBe(
      `${Array.from({ length: 8 }, (_, i) => `line ${i + 2}: name: is required`).join('\n')}\n`,
    );
  });

  it('rejects the row whose quote never closes by its line, and saves the rows before it', async () => {
    const { state, summary, store } = await importText('zones', 'zone_id,name\n1,Uno\n\n2,"Dos\n3,Tres\n');
    expect(state).toMatchObject({ rows: 2, saved: 1, rejected: 1 });
    expect(summary).toEqual([
      'imported 1 zone, rejected 1, in 1.2 s',
      'rejected rows:',
      'line 4: a quoted field opened on line 4 never closes',
    ]);
    expect((await zonesIn(store)).map((z) => z.name)).toEqual(['Uno']);
  });

  it('writes no report file when every rejected row is printed', async () => {
    const { log } = await importText('zones', 'zone_id,name\n1,\n');
    expect(log.wroteFile).toBe(false);
    expect(() => readFileSync(log.reportPath)).toThrow();
  });

  it('stops at a batch the store cannot save, with the rows before it saved and counted', async () => {
    const path = join(dir, 'failing.csv');
    writeFileSync(path, 'zone_id,name\n1,Uno\n2,Dos\n3,\n4,Cuatro\n5,Cinco\n');
    const spec = kindSpecs.zones as KindSpec<unknown>;
    const source = (await openCsvFile(path, spec))._unsafeUnwrap();
    const store = createMemoryTicketStore();
    let calls = 0;
    const failing: KindSpec<unknown> = {
      ...spec,
      save: (d, rows) => {
        calls += 1;
        if (calls === 2) return Promise.reject(new Error('database is locked'));
        return spec.save(d, rows);
      },
    };
    const log = new RejectionLog(join(dir, 'failing.rejected.txt'));
    const importer = new Importer({
      spec: failing,
      header: source.header,
      directory: createDirectory(store),
      log,
      batchSize: 2,
    });
    await expect(importer.run(source.rows)).rejects.toThrow('database is locked');
    expect(importer.state).toMatchObject({ saved: 2, doneThroughLine: 3 });
    expect((await zonesIn(store)).map((z) => z.zone_id)).toEqual([1, 2]);
  });

  it('writes large counts with thousands separators', () => {
    const log = new RejectionLog(join(dir, 'unused.txt'));
    const lines = formatSummary({
      spec: kindSpecs.services as KindSpec<unknown>,
      header: { positions: new Map(), ignored: [], width: 2 },
      state: {
        rows: 100_000,
        saved: 99_998,
        rejected: 0,
        repeated: 0,
        repeatedLines: [],
        doneThroughLine: 0,
      },
      log,
      elapsedMs: 3_449,
    });
    expect(lines).toEqual(['imported 99,998 services, rejected 0, in 3.4 s']);
  });
});

describe("the README's example files", () => {
  it('import with no rejected row, zones first', async () => {
    const store = createMemoryTicketStore();
    const summaries: string[][] = [];
    for (const kind of ['zones', 'technicians', 'services'] as const) {
      const text = readFileSync(join(repoRoot, 'docs', 'examples', `${kind}.csv`), 'utf8');
      summaries.push((await importText(kind, text, { store })).summary);
    }
    expect(summaries).toEqual([
      ['imported 3 zones, rejected 0, in 1.2 s'],
      ['imported 3 technicians, rejected 0, in 1.2 s'],
      ['imported 5 services, rejected 0, in 1.2 s', 'ignored columns: plan'],
    ]);
  });
});

describe('opening a CSV file', () => {
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('says the file cannot be read when it does not exist', async () => {
    const path = join(dir, 'missing.csv');
    expect((await openCsvFile(path, kindSpecs.zones as KindSpec<unknown>))._unsafeUnwrapErr()).toBe(
      `cannot read ${path}: no such file`,
    );
  });

  it('says the file is empty when it has no header', async () => {
    const path = write('empty.csv', '\n\n');
    expect((await openCsvFile(path, kindSpecs.zones as KindSpec<unknown>))._unsafeUnwrapErr()).toBe(
      `${path} is empty: it needs a header row naming its columns`,
    );
  });

  it('says the header row is not valid CSV when a quote in it never closes', async () => {
    const path = write('open-quote.csv', 'zone_id,"name\n1,Centro\n');
    expect((await openCsvFile(path, kindSpecs.zones as KindSpec<unknown>))._unsafeUnwrapErr()).toBe(
      `${path}: the header row is not valid CSV: a quoted field opened on line 1 never closes`,
    );
  });

  it('names the required column the header lacks', async () => {
    const path = write('noid.csv', 'id;name\n1;Centro\n');
    expect((await openCsvFile(path, kindSpecs.zones as KindSpec<unknown>))._unsafeUnwrapErr()).toBe(
      `${path}: the header has no zone_id column (zones need zone_id, name (optional: max_active_tickets); the header has id, name)`,
    );
  });
});
