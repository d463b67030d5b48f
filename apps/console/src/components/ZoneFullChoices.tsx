import { type ReactNode, useEffect, useRef } from 'react';
import type { ZoneLimit } from '../api.js';
import { affectedText } from '../labels.js';
import { LocalTime } from './Badges.js';

/** Which choice is on its way: recording on a ticket (its id), or queueing. */
export type PendingChoice = number | 'queue' | null;

export interface ZoneFullChoicesProps {
  readonly limit: ZoneLimit;
  readonly zoneName: string;
  readonly pending: PendingChoice;
  /** Why the last choice was refused, if it was. */
  readonly error: string | null;
  /** Records the form's customer as affected by this active ticket. */
  readonly onAddAffected: (ticketId: number) => void;
  /** Sends the form's ticket again, to wait in the zone's line. */
  readonly onQueue: () => void;
}

function waitingNote(waiting: number): string {
  if (waiting === 0) return 'Nadie espera todavía.';
  return waiting === 1 ? 'Ya espera 1 solicitud.' : `Ya esperan ${waiting} solicitudes.`;
}

/**
 * What a dispatcher can do for a customer of a full zone instead of turning them away: record
 * them on an active ticket with the same fault, or leave the ticket waiting for a slot. Takes the
 * focus when shown, and back when a refusal took away the button that had it.
 */
export function ZoneFullChoices({
  limit,
  zoneName,
  pending,
  error,
  onAddAffected,
  onQueue,
}: ZoneFullChoicesProps): ReactNode {
  const container = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const hasTickets = limit.tickets.length > 0;

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (error !== null && !container.current?.contains(document.activeElement)) heading.current?.focus();
  }, [error]);

  // Buttons stay enabled while a choice is on its way (a disabled button drops the focus); a
  // second press meanwhile does nothing.
  const choose = (action: () => void) => () => {
    if (pending === null) action();
  };

  return (
    <div className="choices" ref={container}>
      {hasTickets && (
        <fieldset className="choice">
          <legend>
            <h3 ref={heading} tabIndex={-1}>
              ¿Es la misma falla?
            </h3>
          </legend>
          <p className="hint">
            Si el cliente tiene la falla de uno de estos tickets de {zoneName}, agréguelo a ese ticket: no
            ocupa cupo y se resuelve con él.
          </p>
          <ul className="active-tickets" aria-label={`Tickets activos de ${zoneName}`}>
            {limit.tickets.map((ticket) => (
              <li key={ticket.ticket_id}>
                <div className="active-ticket">
                  <span className="subject">
                    <span className="num">#{ticket.ticket_id}</span> {ticket.subject}
                  </span>{' '}
                  <span className="muted small">
                    <LocalTime value={ticket.created_at} /> · {affectedText(ticket.affected_count)}
                  </span>
                </div>
                <button
                  type="button"
                  aria-label={`Agregar cliente al ticket ${ticket.ticket_id}`}
                  aria-disabled={pending !== null}
                  onClick={choose(() => onAddAffected(ticket.ticket_id))}
                >
                  {pending === ticket.ticket_id ? 'Agregando…' : 'Agregar cliente'}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <fieldset className="choice">
        <legend>
          <h3 ref={hasTickets ? undefined : heading} tabIndex={-1}>
            Dejar en espera
          </h3>
        </legend>
        <p className="hint" id="queue-hint">
          El ticket se crea solo, en orden de llegada, en cuanto {zoneName} tenga cupo.{' '}
          {waitingNote(limit.waiting)}
        </p>
        <button
          type="button"
          aria-describedby="queue-hint"
          aria-disabled={pending !== null}
          onClick={choose(onQueue)}
        >
          {pending === 'queue' ? 'Dejando en espera…' : 'Dejar en espera'}
        </button>
      </fieldset>
      {error !== null && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
