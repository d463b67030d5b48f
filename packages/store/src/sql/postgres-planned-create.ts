import { isDeepStrictEqual } from 'node:util';
import type {
  CreateContext,
  CreateDecision,
  CreateRequest,
  PlannedInsert,
  Ticket,
  TicketStore,
  ZoneRule,
} from '@tickets/domain';
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { err, ok } from 'neverthrow';
import { admissionDue } from './refused-zone-hint.js';
import { ticketColumns, toQueued, toTicket, toZone } from './rows.js';
import type { QueuedRequestsTable, TicketDatabase, TicketsTable } from './schema.js';
import { type CreateContextRow, referencesOf } from './ticket-steps.js';

const MAX_ATTEMPTS = 4;
const CALL = 'select * from create_planned_ticket($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

/** What create_planned_ticket answers (see planned-create-function.ts). */
interface PlannedCreateRow extends CreateContextRow {
  ticket_id: number | null;
  waiting: number;
  key_fingerprint: string | null;
  key_ticket: Selectable<TicketsTable> | null;
  key_queued: Selectable<QueuedRequestsTable> | null;
  key_place: number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The context the row was read as, before any insert. */
function contextOf(row: PlannedCreateRow): CreateContext {
  return {
    zone:
      row.zone_id === null
        ? undefined
        : toZone({
            id: row.zone_id,
            name: row.zone_name as string,
            max_active_tickets: row.max_active_tickets,
          }),
    ...referencesOf(row),
    activeTickets: row.active_tickets,
    previous:
      row.key_fingerprint === null
        ? undefined
        : {
            fingerprint: row.key_fingerprint,
            ticket: row.key_ticket === null ? undefined : toTicket(row.key_ticket),
            queued: row.key_queued === null ? undefined : toQueued(row.key_queued),
          },
    waiting: row.waiting,
    existing: undefined,
  };
}

const samePlan = (decision: CreateDecision, planned: PlannedInsert) =>
  decision === planned || isDeepStrictEqual(decision, planned);

/**
 * createTicket on PostgreSQL: a request with a plan (`request.planned`) is carried out by one
 * call of create_planned_ticket, one round trip instead of a transaction of seven: the call
 * writes the plan when its conditions hold, and answers the context it read under the zone's lock
 * either way. `decide` is then asked once, on that context; when the call wrote nothing, its
 * refusal or replay is the answer, and anything else (a place in the line, a create that admits
 * waiting requests first, an insert the conditions did not cover) goes to `locked`, the store's
 * transaction over steps. A request without a plan goes there at once.
 */
export function withPlannedCreate(
  db: Kysely<TicketDatabase>,
  locked: TicketStore['createTicket'],
  isConflict: (error: unknown) => boolean,
): TicketStore['createTicket'] {
  async function call(
    request: CreateRequest,
    rule: ZoneRule,
    planned: PlannedInsert,
  ): Promise<PlannedCreateRow> {
    const claim = request.idempotency;
    const announced = planned.outbox.some((message) => message.channel === 'webhook');
    const query = CompiledQuery.raw(CALL, [
      request.zone_id,
      request.service_id,
      request.technician_id,
      rule.activeStatuses,
      rule.limitFor({ zone_id: request.zone_id, name: '', max_active_tickets: null }),
      claim?.client ?? null,
      claim?.key ?? null,
      claim?.fingerprint ?? null,
      JSON.stringify(ticketColumns(planned.ticket)),
      JSON.stringify(
        planned.events.map((event) => ({
          at: event.at,
          actor: event.actor,
          kind: event.kind,
          before: event.before === null ? null : JSON.stringify(event.before),
          after: JSON.stringify(event.after),
          note: event.note,
        })),
      ),
      JSON.stringify(planned.outbox),
      // A webhook's payload is the ticket as JSON.stringify writes `{ ...draft, ticket_id }`.
      announced ? JSON.stringify(planned.ticket).slice(0, -1) : null,
    ]);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { rows } = await db.executeQuery<PlannedCreateRow>(query);
        const row = rows[0];
        if (row === undefined) throw new Error('create_planned_ticket answered no row');
        return row;
      } catch (error) {
        // Rolled back for a conflict (a concurrent create in another zone recorded the same key
        // first, say): nothing of it was written, and the next try finds the key.
        if (attempt >= MAX_ATTEMPTS || !isConflict(error)) throw error;
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  return async (request, rule, decide) => {
    const planned = request.planned;
    if (
      planned === undefined ||
      request.technician_id === null ||
      request.wisphub_ticket_id !== undefined ||
      planned.ticket.zone_id !== request.zone_id
    ) {
      return locked(request, rule, decide);
    }
    const row = await call(request, rule, planned);
    const context = contextOf(row);
    if (row.ticket_id !== null) {
      const decision = decide(context);
      const zone = context.zone;
      if (
        decision.isErr() ||
        !samePlan(decision.value, planned) ||
        zone === undefined ||
        context.activeTickets >= rule.limitFor(zone)
      ) {
        throw new Error(
          `createTicket: ticket ${row.ticket_id} was written as planned, but decide answered otherwise on its context`,
        );
      }
      const ticket: Ticket = { ...planned.ticket, ticket_id: row.ticket_id };
      return ok({ kind: 'created', ticket, replayed: false });
    }
    // Admission comes first, under the lock, and changes what the create decides on.
    if (admissionDue(context, rule)) return locked(request, rule, decide);
    const decision = decide(context);
    if (decision.isErr()) return err(decision.error);
    const decided = decision.value;
    if (decided.kind === 'replay') return ok({ kind: 'created', ticket: decided.ticket, replayed: true });
    if (decided.kind === 'replay_queued' && decided.queued.queue_id === context.previous?.queued?.queue_id) {
      return ok({ kind: 'queued', queued: decided.queued, position: row.key_place, replayed: true });
    }
    return locked(request, rule, decide);
  };
}
