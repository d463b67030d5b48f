import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { deliveryNotFailed } from './errors.js';
import { INITIAL_STATUS, type Ticket } from './ticket.js';
import {
  applyWispHubStatus,
  changeTicket,
  markDelivered,
  markDeliveryFailed,
  newTicket,
  requeueDelivery,
} from './ticket-changes.js';

const OPENED = Date.UTC(2026, 1, 26, 15);
const LATER = OPENED + 3_600_000;

const ticket: Ticket = {
  ticket_id: 7,
  service_id: 100,
  zone_id: 2,
  technician_id: 5,
  subject: 'Falla Masiva',
  priority: 3,
  description: 'Sin servicio',
  status: 1,
  created_at: OPENED,
  end_date: OPENED + 5 * 86_400_000,
  answer_text: null,
  updated_at: OPENED,
  source: 'api',
  wisphub_ticket_id: null,
  wisphub_sync: 'pending',
  wisphub_status: null,
  version: 1,
  affected_count: 0,
};

describe('opening a ticket', () => {
  const input = {
    service_id: 100,
    zone_id: 2,
    technician_id: 5,
    subject: 'Falla Masiva',
    description: 'Sin servicio',
  };
  const opening = { priority: 3 as const, at: OPENED, endDate: OPENED + 5 * 86_400_000, actor: 'crm' };

  it('opens it Abierto at version 1, with its priority and end date, and a created event of its fields', () => {
    const { ticket: opened, events } = newTicket(input, { ...opening, toWispHub: false });
    expect(opened).toEqual({
      ...input,
      priority: 3,
      status: INITIAL_STATUS,
      created_at: OPENED,
      updated_at: OPENED,
      end_date: OPENED + 5 * 86_400_000,
      answer_text: null,
      source: 'api',
      wisphub_ticket_id: null,
      wisphub_sync: null,
      wisphub_status: null,
      version: 1,
      affected_count: 0,
    });
    expect(events).toEqual([
      {
        kind: 'created',
        at: OPENED,
        actor: 'crm',
        before: null,
        after: {
          ...input,
          priority: 3,
          status: INITIAL_STATUS,
          end_date: OPENED + 5 * 86_400_000,
          answer_text: null,
        },
        note: null,
      },
    ]);
  });

  it('puts it in line for WispHub when the connector is on', () => {
    expect(newTicket(input, { ...opening, toWispHub: true }).ticket.wisphub_sync).toBe('pending');
  });
});

describe('changing a ticket', () => {
  it('leaves a ticket exactly as it was when a change touches nothing, updated_at and version included', () => {
    expect(changeTicket(ticket, { status: 1 }, LATER, 'ana')).toEqual({ ticket, events: [] });
    const answered = { ...ticket, answer_text: 'Listo' };
    expect(changeTicket(answered, { status: 1, answer_text: 'Listo' }, LATER, 'ana')).toEqual({
      ticket: answered,
      events: [],
    });
  });

  it('moves the status and records the answer, with one event each, a new time and the next version', () => {
    const { ticket: changed, events } = changeTicket(
      ticket,
      { status: 3, answer_text: 'Listo' },
      LATER,
      'ana',
    );
    expect(changed).toEqual({ ...ticket, status: 3, answer_text: 'Listo', updated_at: LATER, version: 2 });
    expect(events).toEqual([
      {
        kind: 'status_changed',
        at: LATER,
        actor: 'ana',
        before: { status: 1 },
        after: { status: 3 },
        note: null,
      },
      {
        kind: 'answered',
        at: LATER,
        actor: 'ana',
        before: { answer_text: null },
        after: { answer_text: 'Listo' },
        note: null,
      },
    ]);
  });

  it('keeps the answer when none is given, and clears it when null is given', () => {
    const answered = { ...ticket, answer_text: 'Listo' };
    expect(changeTicket(answered, { status: 2 }, LATER, null).ticket.answer_text).toBe('Listo');
    expect(
      changeTicket(answered, { status: 2, answer_text: null }, LATER, null).ticket.answer_text,
    ).toBeNull();
  });
});

describe("applying WispHub's status", () => {
  const delivered = {
    ...ticket,
    wisphub_ticket_id: 90,
    wisphub_sync: 'delivered' as const,
    wisphub_status: 1 as const,
  };

  it('applies a status WispHub changed, as WispHub', () => {
    const { ticket: changed, events } = applyWispHubStatus(delivered, 3, LATER);
    expect(changed).toEqual({ ...delivered, status: 3, wisphub_status: 3, updated_at: LATER, version: 2 });
    expect(events.map((e) => [e.kind, e.actor])).toEqual([['status_changed', 'wisphub']]);
  });

  it('leaves a change made here alone while WispHub reports what it reported before', () => {
    const resolvedHere = { ...delivered, status: 3 as const };
    expect(applyWispHubStatus(resolvedHere, 1, LATER)).toEqual({ ticket: resolvedHere, events: [] });
  });

  it('records what WispHub reports even when the ticket is already there, without an event', () => {
    const resolvedHere = { ...delivered, status: 3 as const };
    expect(applyWispHubStatus(resolvedHere, 3, LATER)).toEqual({
      ticket: { ...resolvedHere, wisphub_status: 3 },
      events: [],
    });
  });
});

describe('deliveries to WispHub', () => {
  it('records the id WispHub gave, with the status it was created with', () => {
    const { ticket: changed, events } = markDelivered(ticket, 90, 2, LATER);
    expect(changed).toMatchObject({
      wisphub_ticket_id: 90,
      wisphub_sync: 'delivered',
      wisphub_status: 2,
      version: 2,
    });
    expect(events[0]).toMatchObject({
      kind: 'delivered',
      actor: 'wisphub',
      after: { wisphub_ticket_id: 90 },
    });
  });

  it("records a refusal with WispHub's answer, and puts only a refused delivery back in line", () => {
    const failed = markDeliveryFailed(ticket, 'WispHub answered 400: servicio', LATER).ticket;
    expect(failed).toMatchObject({ wisphub_sync: 'failed', version: 2 });
    expect(
      requeueDelivery(failed, LATER, 'ana')
        .map((c) => c.ticket.wisphub_sync)
        ._unsafeUnwrap(),
    ).toBe('pending');
    expect(requeueDelivery(ticket, LATER, 'ana')).toEqual(err(deliveryNotFailed(7, 'pending')));
  });
});
