import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRun } from '@tickets/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { runTickets } from '../testing/run-tickets.js';

const tickets = runTickets;

/** Expects an import that exited 0, printed nothing on stderr and printed `lines`, the elapsed time aside. */
function expectReport(run: ProcessRun, lines: readonly string[]): void {
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.replace(/in \d+\.\d s$/m, 'in N s')).toBe([...lines, ''].join('\n'));
}

describe('pnpm tickets import, against a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-import-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATABASE_URL: `sqlite:${join(dir, 't.db')}` };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('imports zones, technicians and services, reports rejected rows by line, and stores the rest', async () => {
    // A spreadsheet export: BOM, semicolons, CRLF, a column the import does not use.
    const zones = file(
      'zones.csv',
      '\uFEFFZONE_ID;Nombre_Largo;NAME;max_active_tickets\r\n1;x;Centro;\r\n2;x;Norte;5\r\n3;x;;2\r\n',
    );
    const technicians = file(
      'technicians.csv',
      'technician_id,name,active\n5,Ana Gómez,sí\n6,Luis Pérez,no\n7,Marta Ruiz,tal vez\n',
    );
    const services = file(
      'services.csv',
      [
        'service_id,customer_name,zone_id,plan',
        '100,"Pérez, Luis",1,10 Mbps',
        '101,"Gómez',
        'Ana",2,20 Mbps',
        '102,Juan,99,10 Mbps',
        'A-7,Rosa,1,',
        '100,"Pérez, Luis Alberto",2,',
        '',
      ].join('\n'),
    );

    const [zonesRun, techniciansRun] = await Promise.all([
      tickets(['import', 'zones', zones], env),
      tickets(['import', 'technicians', technicians], env),
    ]);
    expectReport(zonesRun, [
      'imported 2 zones, rejected 1, in N s',
      'ignored columns: Nombre_Largo',
      'rejected rows:',
      'line 4: name: is required',
    ]);
    expectReport(techniciansRun, [
      'imported 2 technicians, rejected 1, in N s',
      'rejected rows:',
      'line 4: active: must be true/false, 1/0 or sí/no (got "tal vez")',
    ]);

    expectReport(await tickets(['import', 'services', services], env), [
      'imported 3 services, rejected 2, in N s',
      'ignored columns: plan',
      '1 row repeats the service_id of an earlier row, and replaces it: the last row wins (line 7)',
      'rejected rows:',
      'line 5: zone_id: no zone 99',
      'line 6: service_id: must be a positive integer (got "A-7")',
    ]);

    const config = loadConfig(env)._unsafeUnwrap();
    const database = openDatabase(config);
    try {
      const { store } = database;
      expect(await store.listZones({ limit: 10 })).toEqual([
        { zone_id: 1, name: 'Centro', max_active_tickets: null },
        { zone_id: 2, name: 'Norte', max_active_tickets: 5 },
      ]);
      expect(await store.listTechnicians({ limit: 10 })).toEqual([
        { technician_id: 5, name: 'Ana Gómez', active: true },
        { technician_id: 6, name: 'Luis Pérez', active: false },
      ]);
      expect(await store.listServices({ limit: 10 })).toEqual([
        { service_id: 100, zone_id: 2, customer_name: 'Pérez, Luis Alberto' },
        { service_id: 101, zone_id: 2, customer_name: 'Gómez\nAna' },
      ]);
    } finally {
      await database.close();
    }
  }, 30_000);

  it('exits 2 with the usage line for a wrong command, 1 naming a missing column or an unreadable file', async () => {
    const noZone = file('no-zone.csv', 'service_id,zona\n1,2\n');
    const missingPath = join(dir, 'missing.csv');
    const [planets, header, missing] = await Promise.all([
      tickets(['import', 'planets', 'x.csv'], env),
      tickets(['import', 'services', noZone], env),
      tickets(['import', 'services', missingPath], env),
    ]);
    expect(planets.code).toBe(2);
    expect(planets.stderr).toContain(
      'tickets: cannot import "planets": zones, technicians or services\nusage: pnpm tickets import zones|technicians|services FILE.csv\n',
    );
    expect(header.code).toBe(1);
    expect(header.stderr).toContain(`tickets: ${noZone}: the header has no zone_id column`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`tickets: cannot read ${missingPath}: no such file`);
    expect(planets.stdout + header.stdout + missing.stdout).toBe('');
  }, 30_000);
});
