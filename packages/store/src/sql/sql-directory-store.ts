import type { PageRequest, TicketStore } from '@tickets/domain';
import type { Selectable } from 'kysely';
import type { SqlDatabase } from './database.js';
import type { PreparedQuery } from './prepared-query.js';
import { serviceRow, technicianRow, toService, toTechnician, toZone, zoneRow } from './rows.js';
import type { DirectoryTable, TicketDatabase } from './schema.js';
import { type Statements, upsert } from './statements.js';
import { all, first, rowsOf, type StepRunner, saveInChunks } from './step.js';

/** The directory's part of the TicketStore port: what tickets refer to. */
export type DirectoryStore = Pick<
  TicketStore,
  | 'saveZone'
  | 'saveZones'
  | 'getZone'
  | 'listZones'
  | 'saveTechnician'
  | 'saveTechnicians'
  | 'getTechnician'
  | 'listTechnicians'
  | 'saveService'
  | 'saveServices'
  | 'getService'
  | 'listServices'
>;

/** What the directory's part of the SQL store shares with the ticket store's. */
export interface DirectoryParts {
  readonly database: SqlDatabase;
  readonly runner: StepRunner;
  readonly q: Statements;
}

const always = () => true;

/**
 * Zones, technicians and services over SQL: upserts one at a time (prepared) or in bulk (a
 * statement per chunk of rows, all in one transaction), and listings a page at a time by id.
 */
export function createSqlDirectoryStore({ database, runner, q }: DirectoryParts): DirectoryStore {
  const db = database.kysely;

  /** Saving and listing one kind of record, kept in `table` as the rows `toRow` makes of it. */
  function recordsIn<T extends DirectoryTable, R>(
    table: T,
    saveOne: PreparedQuery<TicketDatabase[T], unknown>,
    toRow: (record: R) => TicketDatabase[T],
    toRecord: (row: Selectable<TicketDatabase[T]>) => R,
  ) {
    return {
      async save(record: R): Promise<R> {
        await runner.write(() => all(saveOne, toRow(record)), always);
        return record;
      },
      async saveAll(records: readonly R[]): Promise<void> {
        if (records.length === 0) return;
        await runner.write(
          () => saveInChunks(records.map(toRow), (chunk) => upsert(db, table, chunk)),
          always,
        );
      },
      async get(id: number): Promise<R | undefined> {
        const name: DirectoryTable = table;
        const query = db.selectFrom(name).selectAll().where('id', '=', id);
        const [row] = await runner.read(() => rowsOf<Selectable<TicketDatabase[T]>>(query));
        return row === undefined ? undefined : toRecord(row);
      },
      async list({ limit, after }: PageRequest): Promise<R[]> {
        // As any directory table: Kysely cannot type a query on one given as a type parameter.
        const name: DirectoryTable = table;
        let query = db.selectFrom(name).selectAll().orderBy('id').limit(limit);
        if (after !== undefined) query = query.where('id', '>', after);
        return (await runner.read(() => rowsOf<Selectable<TicketDatabase[T]>>(query))).map(toRecord);
      },
    };
  }

  const zones = recordsIn('zones', q.saveZone, zoneRow, toZone);
  const technicians = recordsIn('technicians', q.saveTechnician, technicianRow, toTechnician);
  const services = recordsIn('services', q.saveService, serviceRow, toService);

  return {
    saveZone: zones.save,
    saveZones: zones.saveAll,
    async getZone(zoneId) {
      const row = await runner.read(() => first(q.zone, { id: zoneId }));
      return row === undefined ? undefined : toZone(row);
    },
    listZones: zones.list,
    saveTechnician: technicians.save,
    saveTechnicians: technicians.saveAll,
    getTechnician: technicians.get,
    listTechnicians: technicians.list,
    saveService: services.save,
    saveServices: services.saveAll,
    getService: services.get,
    listServices: services.list,
  };
}
