import { defaultSubjects } from '@tickets/domain';
import { describe, expect, it } from 'vitest';
import { bogota, ticketIn } from '../api-fixture.js';
import { expectStatus, expectZoneFull, fieldsOf, type Suite } from './open.js';

/** The catalogue, and creating tickets: what a ticket is opened with, and each refusal. */
export function describeCreating({ open, seeded }: Suite): void {
  describe('subjects and statuses', () => {
    it('lists every subject and groups them by priority', async () => {
      const { api } = open();
      const answer = await api.subjects();
      expectStatus(answer, 200);
      expect(answer.body).toMatchObject({ ok: true, type: 'success', action: 'ticket_subjects_listed' });
      expect(answer.body.data.by_priority).toEqual({
        low: defaultSubjects['1'],
        normal: defaultSubjects['2'],
        high: defaultSubjects['3'],
        very_high: defaultSubjects['4'],
      });
      expect(answer.body.data.all).toHaveLength(32);
      expect(answer.body.data.all).toEqual(
        expect.arrayContaining(['Falla Masiva', 'Troncal Dañado', 'Cancelación']),
      );
    });

    it('says what each status means as configured: active (here 1 and 2) and done (3 and 4 by default)', async () => {
      const { api } = open();
      const answer = await api.statuses();
      expectStatus(answer, 200);
      expect(answer.body.action).toBe('ticket_statuses_listed');
      expect(answer.body.data.statuses).toEqual([
        { status: 1, label: 'Abierto', active: true, done: false },
        { status: 2, label: 'En Progreso', active: true, done: false },
        { status: 3, label: 'Resuelto', active: false, done: true },
        { status: 4, label: 'Cerrado', active: false, done: true },
      ]);
    });
  });

  describe('creating a ticket', () => {
    it('opens a ticket with status 1, the priority of its subject and an end date three business days on', async () => {
      const { api } = await seeded();
      const answer = await api.createTicket(ticketIn(1));
      expectStatus(answer, 201);
      expect(answer.body).toEqual({
        ok: true,
        type: 'success',
        action: 'ticket_created',
        data: {
          ticket_id: 1,
          service_id: 1,
          zone_id: 1,
          technician_id: 1,
          subject: 'Falla Masiva',
          description: 'Cliente reporta intermitencia en el servicio de internet',
          priority: '3',
          status: 1,
          status_ticket: 'Abierto',
          created_at: '2026-02-26 10:00',
          end_date: '2026-03-03 10:00',
          updated_at: '2026-02-26 10:00',
          answer_text: null,
          business_days_left: 3,
          is_overdue: false,
          source: 'api',
          wisphub_ticket_id: null,
          wisphub_sync: null,
          version: 1,
          affected_count: 0,
        },
        message: null,
        meta: null,
      });
      expect((await api.getTicket(1)).body.data).toEqual({
        ...answer.body.data,
        customer_name: 'C1',
        technician_name: 'Ana Gómez',
      });
    });

    it.each([
      { opened: 'Thu 2026-02-26 10:00', at: bogota(2026, 2, 26), end: '2026-03-03 10:00' },
      { opened: 'Sat 2026-02-28 10:00', at: bogota(2026, 2, 28), end: '2026-03-04 10:00' },
      { opened: 'Wed 2026-03-18 10:00', at: bogota(2026, 3, 18), end: '2026-03-24 10:00' },
      { opened: 'Wed 2025-12-31 10:00', at: bogota(2025, 12, 31), end: '2026-01-06 10:00' },
    ])(
      'gives a ticket opened $opened the end date $end, past weekends and holidays',
      async ({ opened, at, end }) => {
        const { setNow, createTicket } = await seeded();
        setNow(at);
        const ticket = await createTicket(1);
        expect(ticket.created_at).toBe(opened.slice(4));
        expect(ticket.updated_at).toBe(opened.slice(4));
        expect(ticket.end_date).toBe(end);
      },
    );

    it('gives each subject the priority code of its catalogue group', async () => {
      const { createTicket } = await seeded();
      const subjects = {
        'Cambio de Domicilio': '1',
        'Internet Lento': '2',
        'Falla Masiva': '3',
        'Troncal Dañado': '4',
      };
      for (const [subject, priority] of Object.entries(subjects)) {
        const ticket = await createTicket(3, { subject });
        expect({ subject: ticket.subject, priority: ticket.priority }).toEqual({ subject, priority });
      }
    });

    it('trims the subject and the description before matching and storing them', async () => {
      const { createTicket } = await seeded();
      const ticket = await createTicket(1, { subject: '  Falla Masiva\t', description: '\n sin señal  ' });
      expect(ticket).toMatchObject({ subject: 'Falla Masiva', description: 'sin señal', priority: '3' });
    });

    it('ignores unknown keys such as status, priority and ticket_id in the input', async () => {
      const { createTicket } = await seeded();
      const ticket = await createTicket(1, {
        subject: 'Internet Lento',
        status: 3,
        priority: '4',
        ticket_id: 99,
        answer_text: 'ya resuelto',
      });
      expect(ticket).toMatchObject({
        ticket_id: 1,
        status: 1,
        status_ticket: 'Abierto',
        priority: '2',
        answer_text: null,
      });
    });

    it.each([
      { what: 'is an array', input: [ticketIn(1)], fields: ['body'] },
      { what: 'is null', input: null, fields: ['body'] },
      { what: 'is a string', input: 'Falla Masiva', fields: ['body'] },
      {
        what: 'is an empty object',
        input: {},
        fields: ['service_id', 'subject', 'description', 'technician_id', 'zone_id'],
      },
      {
        what: 'has a fractional service_id',
        input: ticketIn(1, { service_id: 1.5 }),
        fields: ['service_id'],
      },
      { what: 'has a negative zone_id', input: ticketIn(1, { zone_id: -1 }), fields: ['zone_id'] },
      {
        what: 'has a zero technician_id',
        input: ticketIn(1, { technician_id: 0 }),
        fields: ['technician_id'],
      },
      { what: 'has an id given as text', input: ticketIn(1, { service_id: '1' }), fields: ['service_id'] },
      {
        what: 'has an id beyond the safe integers',
        input: ticketIn(1, { zone_id: 2 ** 53 }),
        fields: ['zone_id'],
      },
      { what: 'has a null subject', input: ticketIn(1, { subject: null }), fields: ['subject'] },
      { what: 'has a blank subject', input: ticketIn(1, { subject: '   ' }), fields: ['subject'] },
      { what: 'has a numeric subject', input: ticketIn(1, { subject: 3 }), fields: ['subject'] },
      {
        what: 'has a blank description',
        input: ticketIn(1, { description: '\n\t ' }),
        fields: ['description'],
      },
      {
        what: 'has a description over 10000 characters',
        input: ticketIn(1, { description: 'd'.repeat(10_001) }),
        fields: ['description'],
      },
      {
        what: 'has several wrong fields',
        input: ticketIn(1, { service_id: -3, technician_id: 'x', description: '' }),
        fields: ['service_id', 'description', 'technician_id'],
      },
    ])('refuses input that $what, naming each field', async ({ input, fields }) => {
      const { api, refusedInput } = await seeded();
      const refusal = await refusedInput(() => api.createTicket(input));
      expect(fieldsOf(refusal)).toEqual(fields);
      for (const field of fields) expect(refusal.message).toContain(`${field}:`);
    });

    it('tells a missing field from a wrong one', async () => {
      const { api, refusedInput } = await seeded();
      const { service_id: _, ...withoutService } = ticketIn(1);
      const refusal = await refusedInput(() => api.createTicket({ ...withoutService, zone_id: 'two' }));
      expect(refusal.errors).toEqual([
        { field: 'service_id', code: 'invalid_type', message: 'is required' },
        { field: 'zone_id', code: 'invalid_type', message: 'must be a positive integer' },
      ]);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a subject outside the catalogue', { subject: 'falla masiva' }, ['subject: unknown_subject']],
      ['an unknown service', { service_id: 40 }, ['service_id: unknown_service']],
      ['an unknown technician', { technician_id: 40 }, ['technician_id: unknown_technician']],
      ['an unknown zone', { zone_id: 40 }, ['zone_id: service_in_other_zone', 'zone_id: unknown_zone']],
      ['an inactive technician', { technician_id: 2 }, ['technician_id: inactive_technician']],
      ['a service that belongs to another zone', { service_id: 2 }, ['zone_id: service_in_other_zone']],
      [
        'a service of another zone and an inactive technician at once',
        { service_id: 2, technician_id: 2 },
        ['zone_id: service_in_other_zone', 'technician_id: inactive_technician'],
      ],
      [
        'unknown service, technician and zone at once',
        { service_id: 40, technician_id: 41, zone_id: 42 },
        ['service_id: unknown_service', 'technician_id: unknown_technician', 'zone_id: unknown_zone'],
      ],
    ])('refuses %s with a 422 error envelope naming the field', async (_what, extra, errors) => {
      const { api, refused } = await seeded();
      const answer = await refused(() => api.createTicket(ticketIn(1, extra)));
      expectStatus(answer, 422);
      expect(answer.body).toMatchObject({
        ok: false,
        type: 'error',
        action: 'ticket_creation_failed',
        data: null,
      });
      expect(answer.body.meta?.errors.map((e) => `${e.field}: ${e.code}`)).toEqual(errors);
      for (const { field } of answer.body.meta?.errors ?? [])
        expect(answer.body.message).toContain(`${field}:`);
    });

    it('refuses a subject outside the catalogue even in a full zone, without counting it', async () => {
      const { api, refused, createTicket } = await seeded();
      await createTicket(2);
      const answer = await refused(() => api.createTicket(ticketIn(2, { subject: 'Otra cosa' })));
      expectStatus(answer, 422);
      expect(answer.body.message).toContain("subject: 'Otra cosa'");
    });

    it('refuses a fourth active ticket in a zone of the default limit 3 with a 409 info envelope', async () => {
      const { api, refused, createTicket } = await seeded();
      for (let i = 0; i < 3; i += 1) await createTicket(1);
      expectZoneFull(await refused(() => api.createTicket(ticketIn(1))), 1, 3, 3);
    });

    it('holds a zone to its own max_active_tickets instead of the default', async () => {
      const { api, refused, createTicket } = await seeded();
      await createTicket(2);
      expectZoneFull(await refused(() => api.createTicket(ticketIn(2))), 2, 1, 1);
      for (let i = 0; i < 10; i += 1) await createTicket(3);
      expectZoneFull(await refused(() => api.createTicket(ticketIn(3))), 3, 10, 10);
    });

    it('lets a zone take a new ticket once an active one is resolved', async () => {
      const { api, refused, createTicket } = await seeded();
      const first = await createTicket(2);
      expectZoneFull(await refused(() => api.createTicket(ticketIn(2))), 2, 1, 1);
      await api.updateTicket(first.ticket_id, { status: 3 });
      expectStatus(await api.createTicket(ticketIn(2)), 201);
    });

    it('creates exactly three of 60 parallel creates in a zone of limit 3, and refuses the rest as full', async () => {
      const { api } = await seeded();
      const answers = await Promise.all(Array.from({ length: 60 }, () => api.createTicket(ticketIn(1))));
      const actions = answers.map((a) => a.body.action);
      expect(actions.filter((a) => a === 'ticket_created')).toHaveLength(3);
      const full = answers.filter((a) => a.body.action === 'zone_ticket_limit_reached');
      expect(full).toHaveLength(57);
      for (const refusal of full) expectZoneFull(refusal, 1, 3, 3);
      const listed = await api.listTickets({ zone_id: 1, limit: 500 });
      expect(listed.body.data.tickets.map((t) => t.ticket_id)).toEqual([3, 2, 1]);
      const capacity = await api.zoneCapacity(1);
      expect(capacity.body.data).toEqual({
        zone_id: 1,
        active_tickets: 3,
        max_tickets: 3,
        is_blocked: true,
        waiting: 0,
        overdue: 0,
      });
    });
  });
}
