import { err, ok, type Result } from 'neverthrow';
import {
  type InvalidReferences,
  invalidReferences,
  type ReferenceProblem,
  referenceProblem,
} from './errors.js';
import { type Page, pageOf, pageRequest } from './paging.js';
import type { TicketStore } from './ports.js';
import type { PageQuery, SaveServiceInput, SaveTechnicianInput, SaveZoneInput } from './schemas.js';
import type { Service, Technician, Zone } from './ticket.js';
import type { ZoneRule } from './waiting-line.js';

/** What a bulk import did: how many records it saved, and which rows (by index) it refused. */
export interface ImportReport {
  readonly saved: number;
  readonly rejected: readonly { readonly index: number; readonly problems: readonly ReferenceProblem[] }[];
}

/** Zones, technicians and customers' services: what tickets refer to. Needs only the store. */
export interface Directory {
  saveZone(zoneId: number, input: SaveZoneInput): Promise<Zone>;
  listZones(query: PageQuery): Promise<Page<Zone>>;
  saveTechnician(technicianId: number, input: SaveTechnicianInput): Promise<Technician>;
  listTechnicians(query: PageQuery): Promise<Page<Technician>>;
  /** Refused when its zone does not exist. */
  saveService(serviceId: number, input: SaveServiceInput): Promise<Result<Service, InvalidReferences>>;
  listServices(query: PageQuery): Promise<Page<Service>>;
  /** Saves many zones at once (rows already valid). */
  importZones(
    zones: readonly { readonly zone_id: number; readonly input: SaveZoneInput }[],
  ): Promise<ImportReport>;
  /** Saves many technicians at once (rows already valid). */
  importTechnicians(
    technicians: readonly { readonly technician_id: number; readonly input: SaveTechnicianInput }[],
  ): Promise<ImportReport>;
  /** Saves many services at once, refusing those whose zone does not exist. */
  importServices(
    services: readonly { readonly service_id: number; readonly input: SaveServiceInput }[],
  ): Promise<ImportReport>;
}

export const unknownZone = (zoneId: number): ReferenceProblem =>
  referenceProblem('zone_id', 'unknown_zone', zoneId, `no zone ${zoneId}`);

const zoneOf = (zone_id: number, input: SaveZoneInput): Zone => ({
  zone_id,
  name: input.name,
  max_active_tickets: input.max_active_tickets ?? null,
});

const technicianOf = (technician_id: number, input: SaveTechnicianInput): Technician => ({
  technician_id,
  name: input.name,
  active: input.active ?? true,
});

const serviceOf = (service_id: number, input: SaveServiceInput): Service => ({
  service_id,
  zone_id: input.zone_id,
  customer_name: input.customer_name ?? null,
});

/**
 * The directory over a store. With a zone rule that can admit, saving a zone with a higher limit
 * admits its waiting requests into the slots that frees, in the same transaction.
 */
export function createDirectory(store: TicketStore, rule?: ZoneRule): Directory {
  return {
    saveZone: (zoneId, input) => store.saveZone(zoneOf(zoneId, input), rule),

    async listZones(query) {
      const request = pageRequest(query);
      return pageOf(await store.listZones(request), request, (z) => z.zone_id);
    },

    saveTechnician: (technicianId, input) => store.saveTechnician(technicianOf(technicianId, input)),

    async listTechnicians(query) {
      const request = pageRequest(query);
      return pageOf(await store.listTechnicians(request), request, (t) => t.technician_id);
    },

    async saveService(serviceId, input) {
      if ((await store.getZone(input.zone_id)) === undefined) {
        return err(invalidReferences([unknownZone(input.zone_id)]));
      }
      return ok(await store.saveService(serviceOf(serviceId, input)));
    },

    async listServices(query) {
      const request = pageRequest(query);
      return pageOf(await store.listServices(request), request, (s) => s.service_id);
    },

    async importZones(rows) {
      await store.saveZones(rows.map(({ zone_id, input }) => zoneOf(zone_id, input)));
      return { saved: rows.length, rejected: [] };
    },

    async importTechnicians(rows) {
      await store.saveTechnicians(rows.map(({ technician_id, input }) => technicianOf(technician_id, input)));
      return { saved: rows.length, rejected: [] };
    },

    async importServices(rows) {
      const known = new Map<number, boolean>();
      for (const zoneId of new Set(rows.map((row) => row.input.zone_id))) {
        known.set(zoneId, (await store.getZone(zoneId)) !== undefined);
      }
      const accepted: Service[] = [];
      const rejected: { index: number; problems: ReferenceProblem[] }[] = [];
      rows.forEach(({ service_id, input }, index) => {
        if (known.get(input.zone_id) === true) accepted.push(serviceOf(service_id, input));
        else rejected.push({ index, problems: [unknownZone(input.zone_id)] });
      });
      await store.saveServices(accepted);
      return { saved: accepted.length, rejected };
    },
  };
}
