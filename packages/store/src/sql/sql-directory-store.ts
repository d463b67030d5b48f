import type { TicketStore } from '@tickets/domain';
import type { Selectable } from 'kysely';
import type { SqlDatabase } from './database.js';
import { serviceRow, technicianRow, toService, toTechnician, toZone, zoneRow } from './rows.js';
import type { ServicesTable, TechniciansTable, ZonesTable } from './schema.js';
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
  | 'listTechnicians'
  | 'saveService'
  | 'saveServices'
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

  return {
    async saveZone(zone) {
      await runner.write(() => all(q.saveZone, zoneRow(zone)), always);
      return zone;
    },

    async saveZones(zones) {
      if (zones.length === 0) return;
      await runner.write(() => saveInChunks(zones.map(zoneRow), (chunk) => upsert.zones(db, chunk)), always);
    },

    async getZone(zoneId) {
      const row = await runner.read(() => first(q.zone, { id: zoneId }));
      return row === undefined ? undefined : toZone(row);
    },

    async listZones({ limit, after }) {
      let query = db.selectFrom('zones').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<ZonesTable>>(query))).map(toZone);
    },

    async saveTechnician(technician) {
      await runner.write(() => all(q.saveTechnician, technicianRow(technician)), always);
      return technician;
    },

    async saveTechnicians(technicians) {
      if (technicians.length === 0) return;
      await runner.write(
        () => saveInChunks(technicians.map(technicianRow), (chunk) => upsert.technicians(db, chunk)),
        always,
      );
    },

    async listTechnicians({ limit, after }) {
      let query = db.selectFrom('technicians').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<TechniciansTable>>(query))).map(toTechnician);
    },

    async saveService(service) {
      await runner.write(() => all(q.saveService, serviceRow(service)), always);
      return service;
    },

    async saveServices(services) {
      if (services.length === 0) return;
      await runner.write(
        () => saveInChunks(services.map(serviceRow), (chunk) => upsert.services(db, chunk)),
        always,
      );
    },

    async listServices({ limit, after }) {
      let query = db.selectFrom('services').selectAll().orderBy('id').limit(limit);
      if (after !== undefined) query = query.where('id', '>', after);
      return (await runner.read(() => rowsOf<Selectable<ServicesTable>>(query))).map(toService);
    },
  };
}
