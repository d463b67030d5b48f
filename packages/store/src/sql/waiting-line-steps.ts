import type {
  NewQueuedRequest,
  NewTicket,
  NewTicketEvent,
  OutboxMessage,
  QueuedRequest,
  Ticket,
  Zone,
  ZoneRule,
} from '@tickets/domain';
import { toQueued } from './rows.js';
import type { Statements } from './statements.js';
import { all, first, insertedId, type Step } from './step.js';

/** A zone's active tickets and waiting requests, as read under its lock. */
export interface ZoneState {
  readonly active: number;
  readonly waiting: number;
}

/** Writes a new ticket with its events and outbox messages. */
export type OpenTicket = (
  draft: NewTicket,
  events: readonly NewTicketEvent[],
  outbox: readonly OutboxMessage[],
) => Step<Ticket>;

/**
 * The steps of a zone's waiting line, each run under the zone's lock: putting a request at the
 * end, admitting from the head into free slots (the port's "Admission"), and finding a place.
 */
export function createWaitingLineSteps(q: Statements, open: OpenTicket) {
  /**
   * Admits the zone's oldest waiting requests, first in first out, while it has a free slot: each
   * becomes the ticket `rule.admit` makes of it, its record is marked admitted with that ticket,
   * and its key answers the ticket. `state` is the zone's as the step has left it so far; returns
   * it as admission leaves it, with how many were admitted. Reads nothing when nobody waits or
   * the zone is full.
   */
  function* admitWaiting(
    zone: Zone,
    rule: ZoneRule,
    state: ZoneState,
  ): Step<ZoneState & { readonly admitted: number }> {
    const admit = rule.admit;
    let { active, waiting } = state;
    let admitted = 0;
    if (admit === undefined) return { active, waiting, admitted };
    const limit = rule.limitFor(zone);
    while (waiting > 0 && active < limit) {
      const head = yield* all(q.lineHead, { zone_id: zone.zone_id, limit: limit - active });
      // The count said some wait, the line holds none: nothing to admit.
      if (head.length === 0) break;
      for (const row of head) {
        if (active >= limit) break;
        const admission = admit(toQueued(row));
        const ticket = yield* open(admission.ticket, admission.events, admission.outbox);
        yield* all(q.settleQueued, {
          id: row.id,
          state: 'admitted',
          ticket_id: ticket.ticket_id,
          settled_at: ticket.created_at,
        });
        if (row.key_client !== null && row.key_key !== null) {
          yield* all(q.pointKeyAtTicket, {
            client: row.key_client,
            key: row.key_key,
            ticket_id: ticket.ticket_id,
          });
        }
        admitted += 1;
        waiting -= 1;
        if (rule.activeStatuses.includes(ticket.status)) active += 1;
      }
    }
    if (admitted > 0) yield* all(q.countWaiting, { zone_id: zone.zone_id, change: -admitted });
    return { active, waiting, admitted };
  }

  /** Puts a request at the end of its zone's line. */
  function* enqueue(request: NewQueuedRequest): Step<QueuedRequest> {
    const waiting = { state: 'waiting', ticket_id: null, settled_at: null } as const;
    const queueId = yield* insertedId(q.insertQueued, {
      zone_id: request.zone_id,
      service_id: request.service_id,
      technician_id: request.technician_id,
      subject: request.subject,
      priority: request.priority,
      description: request.description,
      queued_at: request.queued_at,
      actor: request.actor,
      ...waiting,
    });
    yield* all(q.countWaiting, { zone_id: request.zone_id, change: 1 });
    return { ...request, queue_id: queueId, ...waiting };
  }

  /** A request's place in its zone's line: 1 for the next to be admitted; null once it no longer waits. */
  function* placeOf(queued: QueuedRequest): Step<number | null> {
    if (queued.state !== 'waiting') return null;
    const row = yield* first(q.placeInLine, { zone_id: queued.zone_id, id: queued.queue_id });
    return row?.n ?? null;
  }

  return { admitWaiting, enqueue, placeOf };
}

export type WaitingLineSteps = ReturnType<typeof createWaitingLineSteps>;
