import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, memo, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { NamedTicketView, TicketStatus, TicketView } from '../api.js';
import { useApi } from '../context.js';
import { affectedText, statuses, statusLabels, ticketChangedMessage, zoneFullMessage } from '../labels.js';
import { errorText, fieldErrorText, refusalText } from '../messages.js';
import { LIST_STEP, refreshAfterChange, useIsDone, useTickets, useZoneCapacities } from '../queries.js';
import { type ListView, routeHash } from '../route.js';
import { LocalTime, PriorityBadge, StatusBadge, WispHubBadge } from './Badges.js';
import { DaysLeft } from './DaysLeft.js';
import { ListControls } from './ListControls.js';

const sortCaptions = {
  urgent: 'los más urgentes primero',
  due: 'por fecha de vencimiento',
  priority: 'por prioridad, la más alta primero',
  newest: 'los más recientes primero',
} as const;

/** What saving a ticket's status and answer came to. */
export type SaveOutcome =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly message: string };

export interface TicketChange {
  readonly ticket_id: number;
  readonly status: TicketStatus;
  /** The answer to give the customer; null removes the one the ticket has; absent keeps it. */
  readonly answer_text?: string | null;
  /** The version the dispatcher saw: a change made since is refused, never overwritten. */
  readonly expected_version: number;
}

/** A ticket being answered: as it was when the form opened, and what the dispatcher has written so far. */
export interface Answering {
  readonly ticket: TicketView;
  readonly status: TicketStatus;
  readonly answer: string;
}

function AnswerForm({
  draft,
  onDraft,
  onSave,
  onClose,
}: {
  draft: Answering;
  onDraft: (draft: Answering) => void;
  onSave: (change: TicketChange) => Promise<SaveOutcome>;
  onClose: (saved: string | null) => void;
}): ReactNode {
  const id = useId();
  const { ticket, status, answer } = draft;
  const setStatus = (next: TicketStatus) => onDraft({ ...draft, status: next });
  const setAnswer = (next: string) => onDraft({ ...draft, answer: next });
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const statusRef = useRef<HTMLSelectElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => statusRef.current?.focus(), []);
  // A refused save: the focus goes to why (the Guardar button was disabled meanwhile).
  useEffect(() => {
    if (error !== null) errorRef.current?.focus();
  }, [error]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = answer.trim();
    // An emptied box removes the answer the ticket has.
    const newAnswer = trimmed === '' ? null : trimmed;
    const answerChanged = newAnswer !== ticket.answer_text;
    if (status === ticket.status && !answerChanged) {
      onClose(null);
      return;
    }
    setSaving(true);
    setError(null);
    const outcome = await onSave({
      ticket_id: ticket.ticket_id,
      status,
      ...(answerChanged ? { answer_text: newAnswer } : {}),
      expected_version: ticket.version,
    });
    setSaving(false);
    if (outcome.ok) onClose(outcome.message);
    else setError(outcome.message);
  };

  return (
    <form
      className="answer-form"
      aria-label={`Atender el ticket ${ticket.ticket_id}`}
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose(null);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-status`}>Estado</label>
        <select
          id={`${id}-status`}
          ref={statusRef}
          value={status}
          onChange={(event) => setStatus(Number(event.target.value) as TicketStatus)}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {statusLabels[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-answer`}>Respuesta al cliente</label>
        <textarea
          id={`${id}-answer`}
          rows={2}
          maxLength={10_000}
          value={answer}
          placeholder="Qué se hizo o qué se le dijo al cliente"
          onChange={(event) => setAnswer(event.target.value)}
        />
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Guardando…' : 'Guardar'}
        </button>
        <button type="button" onClick={() => onClose(null)}>
          Cancelar
        </button>
      </div>
      {error !== null && (
        <p className="notice error" role="alert" tabIndex={-1} ref={errorRef}>
          {error}
        </p>
      )}
    </form>
  );
}

/** What a dispatcher can do to a ticket of the list, and where the list says how it went. */
export interface TicketActions {
  readonly onSave: (change: TicketChange) => Promise<SaveOutcome>;
  readonly onSaved: (message: string) => void;
  /** Sends a ticket WispHub refused to WispHub again. */
  readonly onRetry: (ticketId: number) => Promise<SaveOutcome>;
}

/** A ticket's technician by name: "Sin asignar" without one. */
export const technicianText = (ticket: { technician_id: number | null; technician_name: string | null }) =>
  ticket.technician_id === null
    ? 'Sin asignar'
    : (ticket.technician_name ?? `Técnico #${ticket.technician_id}`);

/** What a dispatcher answering a ticket is told when someone else changed it meanwhile. */
export function changedWhileOpenText(now: TicketView): string {
  return `Otra persona cambió el ticket #${now.ticket_id} mientras usted lo atendía: ahora está ${statusLabels[now.status].toLowerCase()}. Si guarda, se le mostrará el cambio; no se sobrescribe nada.`;
}

export interface TicketRowProps extends TicketActions {
  readonly ticket: NamedTicketView;
  /** Whether its status is one the server calls done (nothing left to meet, never overdue). */
  readonly done: boolean;
  readonly zoneName: string;
  /** Its answer form's draft while open, null while closed. */
  readonly answering: Answering | null;
  readonly onAnswer: (draft: Answering | null) => void;
}

/**
 * One ticket of the list. Memoized: a poll that finds nothing changed gives every row the same
 * ticket object, and 500 rows are not drawn again for nothing.
 */
export const TicketRow = memo(function TicketRow({
  ticket,
  done,
  zoneName,
  answering,
  onAnswer,
  onSave,
  onSaved,
  onRetry,
}: TicketRowProps): ReactNode {
  const editing = answering !== null;
  const button = useRef<HTMLButtonElement>(null);
  const panelId = `ticket-${ticket.ticket_id}-answer`;
  const close = (saved: string | null) => {
    onAnswer(null);
    button.current?.focus();
    if (saved !== null) onSaved(saved);
  };
  return (
    <>
      <tr className={ticket.is_overdue && !done ? 'ticket overdue' : 'ticket'}>
        <td data-label="Ticket" className="num">
          <a
            href={routeHash({ page: 'ticket', ticketId: ticket.ticket_id })}
            aria-label={`Ver el ticket #${ticket.ticket_id}`}
          >
            #{ticket.ticket_id}
          </a>
        </td>
        <td data-label="Asunto" className="subject-cell">
          <div>
            <span className="subject">{ticket.subject}</span>
            <span className="customer">{ticket.customer_name ?? 'Cliente sin nombre'}</span>
            <span className="muted small">
              {zoneName} · servicio {ticket.service_id}
            </span>
            {ticket.affected_count > 0 && (
              <span className="badge affected">{affectedText(ticket.affected_count)}</span>
            )}
            {ticket.answer_text !== null && (
              <span className="answer small" title={ticket.answer_text}>
                Respuesta: {ticket.answer_text}
              </span>
            )}
            <WispHubBadge
              ticket={ticket}
              onRetry={() => onRetry(ticket.ticket_id).then((outcome) => onSaved(outcome.message))}
            />
          </div>
        </td>
        <td data-label="Prioridad">
          <PriorityBadge priority={ticket.priority} />
        </td>
        <td data-label="Técnico">{technicianText(ticket)}</td>
        <td data-label="Creado">
          <LocalTime value={ticket.created_at} stacked />
        </td>
        <td data-label="Vence">
          <LocalTime value={ticket.end_date} stacked />
        </td>
        <td data-label="Días hábiles restantes">
          <DaysLeft days={ticket.business_days_left} overdue={ticket.is_overdue} done={done} />
        </td>
        <td data-label="Estado">
          <div className="status-cell">
            <StatusBadge status={ticket.status} />
            <button
              type="button"
              ref={button}
              aria-expanded={editing}
              aria-controls={editing ? panelId : undefined}
              aria-label={`Responder el ticket ${ticket.ticket_id}`}
              onClick={() =>
                onAnswer(editing ? null : { ticket, status: ticket.status, answer: ticket.answer_text ?? '' })
              }
            >
              Responder
            </button>
          </div>
        </td>
      </tr>
      {answering !== null && (
        <tr className="edit-row" id={panelId}>
          <td colSpan={8}>
            {answering.ticket.version !== ticket.version && (
              <p className="notice warning" role="alert">
                {changedWhileOpenText(ticket)}
              </p>
            )}
            <AnswerForm draft={answering} onDraft={onAnswer} onSave={onSave} onClose={close} />
          </td>
        </tr>
      )}
    </>
  );
});

export interface TicketTableProps extends TicketActions {
  readonly tickets: readonly NamedTicketView[];
  readonly zoneName: (id: number) => string;
  /** The table's order, said to screen readers. */
  readonly caption: string;
  readonly answering: Answering | null;
  readonly onAnswer: (draft: Answering | null) => void;
}

export function TicketTable({
  tickets,
  zoneName,
  caption,
  answering,
  onAnswer,
  ...actions
}: TicketTableProps): ReactNode {
  const isDone = useIsDone();
  return (
    <div className="table-wrap">
      <table className="tickets-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Asunto</th>
            <th scope="col">Prioridad</th>
            <th scope="col">Técnico</th>
            <th scope="col">Creado</th>
            <th scope="col">Vence</th>
            <th scope="col">Días hábiles restantes</th>
            <th scope="col">Estado</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((ticket) => (
            <TicketRow
              key={ticket.ticket_id}
              ticket={ticket}
              done={isDone(ticket.status)}
              zoneName={zoneName(ticket.zone_id)}
              answering={answering?.ticket.ticket_id === ticket.ticket_id ? answering : null}
              onAnswer={onAnswer}
              {...actions}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The ticket list in the address's view (search, filters, order), polled, with each ticket's
 * status and answer editable in place; a ticket being answered that leaves the list stays, with why.
 */
export function TicketList({ view: filter }: { readonly view: ListView }): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const [announcement, setAnnouncement] = useState('');
  const [answering, setAnswering] = useState<Answering | null>(null);
  // How many tickets the list shows: "Cargar más" adds LIST_STEP, a new filter starts again.
  const [shown, setShown] = useState({ filter: '', count: LIST_STEP });
  const filterKey = JSON.stringify(filter);
  const count = shown.filter === filterKey ? shown.count : LIST_STEP;
  const tickets = useTickets(filter, count);
  useEffect(() => {
    if (announcement === '') return;
    const timer = setTimeout(() => setAnnouncement(''), 10_000);
    return () => clearTimeout(timer);
  }, [announcement]);
  const zones = useZoneCapacities();

  const zoneNames = new Map((zones.data?.items ?? []).map((z) => [z.zone_id, z.name]));
  const zoneName = (id: number) => zoneNames.get(id) ?? `Zona ${id}`;

  const update = useMutation({
    mutationFn: (change: TicketChange) => api.tickets.update.mutate(change),
    onSettled: () => refreshAfterChange(queryClient),
  });

  const save = async (change: TicketChange): Promise<SaveOutcome> => {
    try {
      const reply = await update.mutateAsync(change);
      if (reply.ok) {
        const answered =
          change.answer_text === undefined
            ? ''
            : change.answer_text === null
              ? ', sin respuesta'
              : ', con respuesta';
        return {
          ok: true,
          message: `Ticket #${reply.data.ticket_id} guardado: ${statusLabels[reply.data.status]}${answered}.`,
        };
      }
      if (reply.action === 'ticket_changed') {
        // Now shown the change, the dispatcher may save over it on purpose: the draft takes its version.
        const now = reply.data;
        setAnswering((draft) =>
          draft?.ticket.ticket_id === now.ticket_id ? { ...draft, ticket: now } : draft,
        );
        return { ok: false, message: ticketChangedMessage(now) };
      }
      if (reply.action === 'zone_ticket_limit_reached') {
        const limit = reply.data;
        return {
          ok: false,
          message: zoneFullMessage(zoneNames.get(limit.zone_id), limit.zone_id, limit.max_tickets),
        };
      }
      const details = reply.meta?.errors.map(fieldErrorText).join(' ') ?? '';
      return { ok: false, message: `No se guardó. ${details || refusalText(reply.action)}` };
    } catch (error) {
      return { ok: false, message: `No se guardó. ${errorText(error)}` };
    }
  };

  const retry = useMutation({
    mutationFn: (ticketId: number) => api.tickets.retryDelivery.mutate({ ticket_id: ticketId }),
    onSettled: () => refreshAfterChange(queryClient),
  });
  const retryDelivery = async (ticketId: number): Promise<SaveOutcome> => {
    try {
      const reply = await retry.mutateAsync(ticketId);
      return reply.ok
        ? { ok: true, message: `Ticket #${ticketId} en cola para WispHub otra vez.` }
        : {
            ok: false,
            message: `No se reintentó el envío del ticket #${ticketId}. ${refusalText(reply.action)}`,
          };
    } catch (error) {
      return { ok: false, message: `No se reintentó el envío del ticket #${ticketId}. ${errorText(error)}` };
    }
  };

  // The same functions on every render (each calls the latest), so that memoized rows stay as they are.
  const latest = useRef({ save, retryDelivery });
  latest.current = { save, retryDelivery };
  const actions: TicketActions = useMemo(
    () => ({
      onSave: (change) => latest.current.save(change),
      onSaved: setAnnouncement,
      onRetry: (ticketId) => latest.current.retryDelivery(ticketId),
    }),
    [],
  );

  const list = tickets.data?.tickets ?? [];
  const loadingMore = tickets.isPlaceholderData && tickets.isFetching;
  const filtered = Object.keys(filter).some((key) => key !== 'sort');
  // Answered, but gone from the list (changed by someone else, or out of the filters): kept, with why.
  const gone =
    answering !== null && tickets.isSuccess && !list.some((t) => t.ticket_id === answering.ticket.ticket_id)
      ? answering
      : null;

  return (
    <section className="panel tickets" aria-labelledby="tickets-title">
      <div className="panel-head">
        <h2 id="tickets-title">Tickets</h2>
        <ListControls view={filter} />
      </div>
      <p className={announcement === '' ? 'sr-only' : 'notice success'} role="status">
        {announcement}
      </p>
      {tickets.isError && (
        <p className="notice error" role="alert">
          No se pudo cargar la lista. {errorText(tickets.error)}
        </p>
      )}
      {tickets.isPending && <p className="muted">Cargando tickets…</p>}
      {tickets.isSuccess && list.length === 0 && (
        <p className="muted">
          {filtered
            ? filter.q === undefined
              ? 'No hay tickets con estos filtros.'
              : `Ningún ticket coincide con “${filter.q}”${Object.keys(filter).length > 2 ? ' con estos filtros' : ''}.`
            : 'Todavía no hay tickets.'}
        </p>
      )}
      {gone !== null && (
        <div className="gone" id={`ticket-${gone.ticket.ticket_id}-answer`}>
          <p className="notice warning" role="alert">
            El ticket #{gone.ticket.ticket_id} salió de la lista mientras usted lo atendía: otra persona lo
            cambió o ya no cumple los filtros. Su texto sigue aquí.{' '}
            <a href={routeHash({ page: 'ticket', ticketId: gone.ticket.ticket_id })}>
              Ver el ticket #{gone.ticket.ticket_id}
            </a>
          </p>
          <AnswerForm
            draft={gone}
            onDraft={setAnswering}
            onSave={save}
            onClose={(saved) => {
              setAnswering(null);
              if (saved !== null) setAnnouncement(saved);
            }}
          />
        </div>
      )}
      {list.length > 0 && (
        <TicketTable
          tickets={list}
          zoneName={zoneName}
          caption={`Tickets, ${sortCaptions[filter.sort]}`}
          answering={answering}
          onAnswer={setAnswering}
          {...actions}
        />
      )}
      {tickets.data?.more === true && (
        <button
          type="button"
          className="more"
          aria-disabled={loadingMore}
          onClick={() => {
            if (!loadingMore) setShown({ filter: filterKey, count: count + LIST_STEP });
          }}
        >
          {loadingMore ? 'Cargando…' : 'Cargar más'}
        </button>
      )}
    </section>
  );
}
