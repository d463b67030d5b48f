import type {
  AffectedContext,
  AffectedDecision,
  AffectedOutcome,
  TicketNotFound,
  TicketStore,
} from '@tickets/domain';
import { ticketNotFound } from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import type { SqlDatabase } from './database.js';
import { toAffected, toService, toTicket } from './rows.js';
import type { AffectedCustomersTable } from './schema.js';
import type { Statements } from './statements.js';
import { all, first, rowsOf, type Step, type StepRunner } from './step.js';
import type { TicketSteps } from './ticket-steps.js';

/** What the affected customers' part of the SQL store shares with the ticket store's. */
export interface AffectedParts {
  readonly database: SqlDatabase;
  readonly runner: StepRunner;
  readonly q: Statements;
  readonly steps: TicketSteps;
}

const keepOk = (result: Result<unknown, unknown>) => result.isOk();

/**
 * Affected customers over SQL: a record is written under the lock of its ticket's zone, as a
 * change is, so that it cannot slip in between a resolution's read of the unresolved ones and
 * its write.
 */
export function createSqlAffectedStore({
  database,
  runner,
  q,
  steps,
}: AffectedParts): Pick<TicketStore, 'addAffected' | 'listAffected'> {
  const db = database.kysely;
  return {
    async addAffected<E>(
      ticketId: number,
      serviceId: number,
      decide: (context: AffectedContext) => Result<AffectedDecision, E>,
    ): Promise<Result<AffectedOutcome, E | TicketNotFound>> {
      const before = await runner.read(() => first(q.ticket, { id: ticketId }));
      if (before === undefined) return err(ticketNotFound(ticketId));
      return runner.write(function* (): Step<Result<AffectedOutcome, E | TicketNotFound>> {
        yield* all(q.lockZone, { id: before.zone_id });
        // Read again under the zone's lock: its status and its count may have changed since.
        const row = yield* first(q.ticket, { id: ticketId });
        if (row === undefined) return err(ticketNotFound(ticketId));
        const ticket = toTicket(row);
        const service = yield* first(q.service, { id: serviceId });
        const existing = yield* first(q.affected, { ticket_id: ticketId, service_id: serviceId });
        const decision = decide({
          ticket,
          service: service === undefined ? undefined : toService(service),
          existing: existing === undefined ? undefined : toAffected(existing),
        });
        if (decision.isErr()) return err(decision.error);
        const decided = decision.value;
        if (decided.kind === 'replay') return ok({ affected: decided.affected, ticket, replayed: true });
        const affected = { ...decided.affected, resolved_at: null, answer_text: null };
        yield* all(q.insertAffected, affected);
        // Not a change a dispatcher could overwrite: the version and updated_at stay.
        yield* all(q.countAffected, { id: ticketId });
        const counted = { ...ticket, affected_count: ticket.affected_count + 1 };
        yield* steps.recordChange(counted, decided.events, decided.outbox);
        return ok({ affected, ticket: counted, replayed: false });
      }, keepOk);
    },

    async listAffected(ticketId, { limit, after }) {
      return (
        await runner.read(() =>
          rowsOf<AffectedCustomersTable>(
            db
              .selectFrom('affected_customers')
              .selectAll()
              .where('ticket_id', '=', ticketId)
              .where('service_id', '>', after ?? 0)
              .orderBy('service_id')
              .limit(limit),
          ),
        )
      ).map(toAffected);
    },
  };
}
