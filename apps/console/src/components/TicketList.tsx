import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, memo, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { TicketStatus, TicketView } from '../api.js';
import { useApi } from '../context.js';
import { affectedText, statuses, statusLabels, ticketChangedMessage, zoneFullMessage } from '../labels.js';
import { errorText, fieldErrorText, refusalText } from '../messages.js';
import {
  LIST_STEP,
  refreshAfterChange,
  type TicketFilter,
  useIsDone,
  useTechnicians,
  useTickets,
  useZoneCapacities,
} from '../queries.js';
import { LocalTime, PriorityBadge, StatusBadge, WispHubBadge } from './Badges.js';
import { DaysLeft } from './DaysLeft.js';

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

function AnswerForm({
  ticket,
  onSave,
  onClose,
}: {
  ticket: TicketView;
  onSave: (change: TicketChange) => Promise<SaveOutcome>;
  onClose: (saved: string | null) => void;
}): ReactNode {
  const id = useId();
  const [status, setStatus] = useState<TicketStatus>(ticket.status);
  const [answer, setAnswer] = useState(ticket.answer_text ?? '');
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

export interface TicketRowProps extends TicketActions {
  readonly ticket: TicketView;
  /** Whether its status is one the server calls done (nothing left to meet, never overdue). */
  readonly done: boolean;
  readonly technicianName: string;
  readonly zoneName: string;
}

/**
 * One ticket of the list. Memoized: a poll that finds nothing changed gives every row the same
 * ticket object, and 500 rows are not drawn again for nothing.
 */
export const TicketRow = memo(function TicketRow({
  ticket,
  done,
  technicianName,
  zoneName,
  onSave,
  onSaved,
  onRetry,
}: TicketRowProps): ReactNode {
  const [editing, setEditing] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = `ticket-${ticket.ticket_id}-answer`;
  const close = (saved: string | null) => {
    setEditing(false);
    button.current?.focus();
    if (saved !== null) onSaved(saved);
  };
  return (
    <>
      <tr className={ticket.is_overdue && !done ? 'ticket overdue' : 'ticket'}>
        <td data-label="Ticket" className="num">
          #{ticket.ticket_id}
        </td>
        <td data-label="Asunto" className="subject-cell">
          <div>
            <span className="subject">{ticket.subject}</span>
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
        <td data-label="Técnico">{technicianName}</td>
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
              onClick={() => setEditing((open) => !open)}
            >
              Responder
            </button>
          </div>
        </td>
      </tr>
      {editing && (
        <tr className="edit-row" id={panelId}>
          <td colSpan={8}>
            <AnswerForm ticket={ticket} onSave={onSave} onClose={close} />
          </td>
        </tr>
      )}
    </>
  );
});

export interface TicketTableProps extends TicketActions {
  readonly tickets: readonly TicketView[];
  readonly technicianName: (id: number | null) => string;
  readonly zoneName: (id: number) => string;
}

export function TicketTable({ tickets, technicianName, zoneName, ...actions }: TicketTableProps): ReactNode {
  const isDone = useIsDone();
  return (
    <div className="table-wrap">
      <table className="tickets-table">
        <caption className="sr-only">Tickets, del más reciente al más antiguo</caption>
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
              technicianName={technicianName(ticket.technician_id)}
              zoneName={zoneName(ticket.zone_id)}
              {...actions}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One of the list's filters: a choice among `options`, or all of them (the value ''). */
function FilterField({
  id,
  label,
  all,
  options,
  value,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  /** What the choice of all is called. */
  readonly all: string;
  readonly options: readonly { readonly value: number; readonly label: string }[];
  readonly value: string;
  readonly onChange: (value: string) => void;
}): ReactNode {
  return (
    <div className="field inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{all}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The ticket list with its filters, polled, with each ticket's status and answer editable in place. */
export function TicketList(): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const [zoneFilter, setZoneFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const filter: TicketFilter = {
    ...(zoneFilter === '' ? {} : { zone_id: Number(zoneFilter) }),
    ...(statusFilter === '' ? {} : { status: Number(statusFilter) as TicketStatus }),
  };
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
  const technicians = useTechnicians();

  const zoneNames = new Map((zones.data?.items ?? []).map((z) => [z.zone_id, z.name]));
  const technicianNames = new Map((technicians.data?.items ?? []).map((t) => [t.technician_id, t.name]));
  const zoneName = (id: number) => zoneNames.get(id) ?? `Zona ${id}`;
  const technicianName = (id: number | null) =>
    id === null ? 'Sin asignar' : (technicianNames.get(id) ?? `Técnico #${id}`);

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
      if (reply.action === 'ticket_changed') return { ok: false, message: ticketChangedMessage(reply.data) };
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
  return (
    <section className="panel tickets" aria-labelledby="tickets-title">
      <div className="panel-head">
        <h2 id="tickets-title">Tickets</h2>
        <fieldset className="filters">
          <legend className="sr-only">Filtrar la lista</legend>
          <FilterField
            id="filter-zone"
            label="Zona"
            all="Todas"
            options={(zones.data?.items ?? []).map((zone) => ({ value: zone.zone_id, label: zone.name }))}
            value={zoneFilter}
            onChange={setZoneFilter}
          />
          <FilterField
            id="filter-status"
            label="Estado"
            all="Todos"
            options={statuses.map((s) => ({ value: s, label: statusLabels[s] }))}
            value={statusFilter}
            onChange={setStatusFilter}
          />
        </fieldset>
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
          {zoneFilter === '' && statusFilter === ''
            ? 'Todavía no hay tickets.'
            : 'No hay tickets con estos filtros.'}
        </p>
      )}
      {list.length > 0 && (
        <TicketTable tickets={list} technicianName={technicianName} zoneName={zoneName} {...actions} />
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
