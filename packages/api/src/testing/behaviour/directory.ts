import { describe, expect, it } from 'vitest';
import { ticketIn } from '../api-fixture.js';
import { expectNotFound, expectStatus, expectZoneFull, fieldsOf, type Suite } from './open.js';
import type { Query, Value } from './transport.js';

/** Zones' capacity, and saving and listing zones, technicians and services. */
export function describeDirectory({ open, seeded }: Suite): void {
  describe("zones' capacity", () => {
    it("counts a zone's active tickets against its limit, its own or the default", async () => {
      const { api, createTicket } = await seeded();
      const empty = await api.zoneCapacity(1);
      expectStatus(empty, 200);
      expect(empty.body).toMatchObject({ ok: true, type: 'success', action: 'zone_capacity' });
      const load = async (zone: number) => (await api.zoneCapacity(zone)).body.data;
      expect(empty.body.data).toEqual({
        zone_id: 1,
        active_tickets: 0,
        max_tickets: 3,
        is_blocked: false,
        waiting: 0,
        overdue: 0,
      });
      const first = await createTicket(1);
      await createTicket(1);
      await createTicket(1);
      expect(await load(1)).toEqual({
        zone_id: 1,
        active_tickets: 3,
        max_tickets: 3,
        is_blocked: true,
        waiting: 0,
        overdue: 0,
      });
      await api.updateTicket(first.ticket_id, { status: 3 });
      expect(await load(1)).toMatchObject({ active_tickets: 2, is_blocked: false, waiting: 0 });
      await createTicket(2);
      expect(await load(2)).toEqual({
        zone_id: 2,
        active_tickets: 1,
        max_tickets: 1,
        is_blocked: true,
        waiting: 0,
        overdue: 0,
      });
    });

    it('answers zone_not_found for an unknown zone', async () => {
      const { api, refused } = await seeded();
      expectNotFound(await refused(() => api.zoneCapacity(8)), 'zone_not_found', 'zone_id: no zone 8');
    });

    it.each<Value>([1.5, -1, 'centro', 0, 2.5])('refuses the zone id %j, naming zone_id', async (id) => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api.zoneCapacity(id)))).toEqual(['zone_id']);
    });

    it('lists every zone with its load, a page at a time', async () => {
      const { api, refusedInput, createTicket } = await seeded();
      await createTicket(1);
      const first = await api.zoneCapacities({ limit: 2 });
      expectStatus(first, 200);
      expect(first.body.action).toBe('zone_capacities_listed');
      expect(first.body.data.zones).toEqual([
        {
          zone_id: 1,
          name: 'Barrio Centro',
          active_tickets: 1,
          max_tickets: 3,
          is_blocked: false,
          waiting: 0,
          overdue: 0,
        },
        {
          zone_id: 2,
          name: 'Torre Norte',
          active_tickets: 0,
          max_tickets: 1,
          is_blocked: false,
          waiting: 0,
          overdue: 0,
        },
      ]);
      const rest = await api.zoneCapacities({ cursor: first.body.data.next_cursor ?? 'none' });
      expect(rest.body.data).toEqual({
        zones: [
          {
            zone_id: 3,
            name: 'Parque Sur',
            active_tickets: 0,
            max_tickets: 10,
            is_blocked: false,
            waiting: 0,
            overdue: 0,
          },
        ],
        next_cursor: null,
      });
      expect((await api.zoneCapacities()).body.data.zones).toHaveLength(3);
      expect(fieldsOf(await refusedInput(() => api.zoneCapacities({ limit: 0 })))).toEqual(['limit']);
    });
  });

  describe('zones, technicians and services', () => {
    it('saves a zone with a trimmed name and the default limit, and replaces it when saved again', async () => {
      const { api } = open();
      const saved = await api.saveZone(4, { name: '  Barrio Centro ' });
      expectStatus(saved, 200);
      expect(saved.body).toEqual({
        ok: true,
        type: 'success',
        action: 'zone_saved',
        data: { zone_id: 4, name: 'Barrio Centro', max_active_tickets: null },
        message: null,
        meta: null,
      });
      const replaced = await api.saveZone(4, { name: 'Centro', max_active_tickets: 5 });
      expect(replaced.body.data).toEqual({ zone_id: 4, name: 'Centro', max_active_tickets: 5 });
      const cleared = await api.saveZone(4, { name: 'Centro', max_active_tickets: null });
      expect(cleared.body.data).toEqual({ zone_id: 4, name: 'Centro', max_active_tickets: null });
      expect((await api.listZones()).body.data).toEqual({ zones: [cleared.body.data], next_cursor: null });
    });

    it("applies a zone's changed limit to the next create", async () => {
      const { api, refused, createTicket } = await seeded();
      await createTicket(2);
      await api.saveZone(2, { name: 'Torre Norte', max_active_tickets: 2 });
      await createTicket(2);
      expectZoneFull(await refused(() => api.createTicket(ticketIn(2))), 2, 2, 2);
    });

    it.each<{ what: string; id: Value; zone: Record<string, unknown>; field: string }>([
      { what: 'a blank name', id: 4, zone: { name: ' ' }, field: 'name' },
      { what: 'no name', id: 4, zone: { max_active_tickets: 2 }, field: 'name' },
      {
        what: 'a limit of 0',
        id: 4,
        zone: { name: 'Z', max_active_tickets: 0 },
        field: 'max_active_tickets',
      },
      {
        what: 'a fractional limit',
        id: 4,
        zone: { name: 'Z', max_active_tickets: 2.5 },
        field: 'max_active_tickets',
      },
      {
        what: 'a limit given as text',
        id: 4,
        zone: { name: 'Z', max_active_tickets: '2' },
        field: 'max_active_tickets',
      },
      { what: 'a fractional id', id: 4.5, zone: { name: 'Z' }, field: 'zone_id' },
      { what: 'a negative id', id: -4, zone: { name: 'Z' }, field: 'zone_id' },
    ])('refuses a zone with $what, naming the field', async ({ id, zone, field }) => {
      const { api, refusedInput } = await seeded();
      const refusal = await refusedInput(() => api.saveZone(id, zone));
      expect(fieldsOf(refusal)).toEqual([field]);
      expect(refusal.message).toContain(`${field}:`);
    });

    it('saves technicians active by default, or inactive when asked', async () => {
      const { api } = open();
      const active = await api.saveTechnician(5, { name: ' Ana Gómez ' });
      expectStatus(active, 200);
      expect(active.body).toMatchObject({
        action: 'technician_saved',
        data: { technician_id: 5, name: 'Ana Gómez', active: true },
      });
      const inactive = await api.saveTechnician(5, { name: 'Ana Gómez', active: false });
      expect(inactive.body.data).toEqual({ technician_id: 5, name: 'Ana Gómez', active: false });
      expect((await api.listTechnicians({})).body.data).toEqual({
        technicians: [inactive.body.data],
        next_cursor: null,
      });
    });

    it('lets a reactivated technician take tickets again', async () => {
      const { api, refused } = await seeded();
      expectStatus(await refused(() => api.createTicket(ticketIn(1, { technician_id: 2 }))), 422);
      await api.saveTechnician(2, { name: 'Luis Pérez', active: true });
      expectStatus(await api.createTicket(ticketIn(1, { technician_id: 2 })), 201);
    });

    it.each<{ what: string; id: Value; technician: Record<string, unknown>; field: string }>([
      { what: 'a blank name', id: 5, technician: { name: '' }, field: 'name' },
      { what: 'active given as text', id: 5, technician: { name: 'A', active: 'yes' }, field: 'active' },
      { what: 'a fractional id', id: 0.5, technician: { name: 'A' }, field: 'technician_id' },
      { what: 'a textual id', id: 'ana', technician: { name: 'A' }, field: 'technician_id' },
    ])('refuses a technician with $what, naming the field', async ({ id, technician, field }) => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api.saveTechnician(id, technician)))).toEqual([field]);
    });

    it('saves services of known zones, with or without a customer name', async () => {
      const { api } = await seeded();
      const named = await api.saveService(7, { zone_id: 2, customer_name: '  Luis Pérez ' });
      expectStatus(named, 200);
      expect(named.body).toMatchObject({
        action: 'service_saved',
        data: { service_id: 7, zone_id: 2, customer_name: 'Luis Pérez' },
      });
      const moved = await api.saveService(7, { zone_id: 3 });
      expect(moved.body.data).toEqual({ service_id: 7, zone_id: 3, customer_name: null });
    });

    it('refuses a service whose zone does not exist with a 422 error envelope naming zone_id', async () => {
      const { api, refused } = await seeded();
      const answer = await refused(() => api.saveService(7, { zone_id: 99 }));
      expectStatus(answer, 422);
      expect(answer.body).toEqual({
        ok: false,
        type: 'error',
        action: 'service_save_failed',
        data: null,
        message: 'zone_id: no zone 99',
        meta: { errors: [{ field: 'zone_id', code: 'unknown_zone', message: 'zone_id: no zone 99' }] },
      });
    });

    it.each<{ what: string; id: Value; service: Record<string, unknown>; field: string }>([
      { what: 'no zone_id', id: 7, service: {}, field: 'zone_id' },
      { what: 'a zone_id given as text', id: 7, service: { zone_id: '1' }, field: 'zone_id' },
      { what: 'a fractional zone_id', id: 7, service: { zone_id: 1.5 }, field: 'zone_id' },
      {
        what: 'a blank customer name',
        id: 7,
        service: { zone_id: 1, customer_name: ' ' },
        field: 'customer_name',
      },
      { what: 'a negative id', id: -7, service: { zone_id: 1 }, field: 'service_id' },
      { what: 'a fractional id', id: 2.5, service: { zone_id: 1 }, field: 'service_id' },
    ])('refuses a service with $what, naming the field', async ({ id, service, field }) => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api.saveService(id, service)))).toEqual([field]);
    });

    it.each([
      { list: 'zones', action: 'zones_listed', key: 'zone_id', expected: [1, 2, 3, 10] },
      { list: 'technicians', action: 'technicians_listed', key: 'technician_id', expected: [1, 2, 10] },
      { list: 'services', action: 'services_listed', key: 'service_id', expected: [1, 2, 3, 10] },
    ] as const)(
      'lists $list by id and pages through them with next_cursor',
      async ({ list, action, key, expected }) => {
        const { api } = await seeded();
        const lists = {
          zones: api.listZones,
          technicians: api.listTechnicians,
          services: api.listServices,
        };
        const listed = async (page?: Query) => {
          const answer = await lists[list](page);
          const rows = (answer.body.data as unknown as Record<string, Record<string, unknown>[]>)[list];
          return { answer, ids: (rows ?? []).map((row) => row[key]) };
        };
        await api.saveZone(10, { name: 'Z10' });
        await api.saveTechnician(10, { name: 'T10' });
        await api.saveService(10, { zone_id: 10 });
        const all = await listed();
        expectStatus(all.answer, 200);
        expect(all.answer.body.action).toBe(action);
        expect(all.answer.body.data.next_cursor).toBeNull();
        expect(all.ids).toEqual(expected);
        const first = await listed({ limit: 2 });
        expect(first.ids).toEqual([1, 2]);
        const cursor = first.answer.body.data.next_cursor;
        expect(cursor).toBe('2');
        expect((await listed({ limit: 2, cursor: '2' })).ids).toEqual(expected.slice(2));
      },
    );

    it.each<['listZones' | 'listTechnicians' | 'listServices', Query, string]>([
      ['listZones', { limit: 0 }, 'limit'],
      ['listZones', { limit: 501 }, 'limit'],
      ['listZones', { cursor: 'x' }, 'cursor'],
      ['listTechnicians', { limit: 1.5 }, 'limit'],
      ['listTechnicians', { cursor: '-1' }, 'cursor'],
      ['listTechnicians', { cursor: '0' }, 'cursor'],
      ['listServices', { limit: 9999 }, 'limit'],
      ['listServices', { limit: 1.5 }, 'limit'],
      ['listServices', { cursor: '0' }, 'cursor'],
    ])('refuses the page request %s %j, naming %s', async (list, page, field) => {
      const { api, refusedInput } = await seeded();
      expect(fieldsOf(await refusedInput(() => api[list](page)))).toEqual([field]);
    });
  });
}
