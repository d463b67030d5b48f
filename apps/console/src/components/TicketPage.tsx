import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { EnvelopeError, type NamedTicketView, type TicketView } from '../api.js';
import { useApi } from '../context.js';
import { useTicket, useTicketHistory } from '../detail-queries.js';
import { actorText, eventText } from '../history-labels.js';
import { statusLabels } from '../labels.js';
import { errorText, fieldErrorText, refusalText } from '../messages.js';
import { refreshAfterChange, useIsDone, useTechnicians, useZoneCapacities } from '../queries.js';
import { type ListView, routeHash } from '../route.js';
import { LocalTime, PriorityBadge, StatusBadge } from './Badges.js';
import { DaysLeft } from './DaysLeft.js';
import { technicianText } from './TicketList.js';

type Reassign =
  | { readonly kind: 'saved'; readonly message: string }
  | { readonly kind: 'changed'; readonly now: TicketView; readonly technicianId: number }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Reassigning the ticket's technician, against the version the dispatcher saw when choosing: a
 * change made since is refused by the server and shown, with the choice to reassign over it.
 */
function ReassignForm({
  ticket,
  onReassigned,
}: {
  readonly ticket: NamedTicketView;
  /** The version the dispatcher's own change made: not someone else's. */
  readonly onReassigned: (version: number) => void;
}): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const technicians = useTechnicians();
  const [choice, setChoice] = useState('');
  // The version on screen when the technician was chosen.
  const [seenVersion, setSeenVersion] = useState(ticket.version);
  const [outcome, setOutcome] = useState<Reassign | null>(null);
  const outcomeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome !== null) outcomeRef.current?.focus();
  }, [outcome]);
  const update = useMutation({
    mutationFn: (input: { technician_id: number; expected_version: number }) =>
      api.tickets.update.mutate({ ticket_id: ticket.ticket_id, ...input }),
    onSettled: () => refreshAfterChange(queryClient),
  });
  const nameOf = (technicianId: number | null) =>
    technicianId === null
      ? 'nadie'
      : (technicians.data?.items.find((t) => t.technician_id === technicianId)?.name ??
        `el técnico #${technicianId}`);

  const reassign = async (technicianId: number, expectedVersion: number) => {
    setOutcome(null);
    try {
      const reply = await update.mutateAsync({
        technician_id: technicianId,
        expected_version: expectedVersion,
      });
      if (reply.ok) {
        onReassigned(reply.data.version);
        setChoice('');
        setOutcome({
          kind: 'saved',
          message: `Ticket #${ticket.ticket_id} reasignado a ${nameOf(technicianId)}.`,
        });
      } else if (reply.action === 'ticket_changed') {
        setOutcome({ kind: 'changed', now: reply.data, technicianId });
      } else {
        const details = reply.meta?.errors.map(fieldErrorText).join(' ') ?? '';
        setOutcome({ kind: 'error', message: `No se reasignó. ${details || refusalText(reply.action)}` });
      }
    } catch (error) {
      setOutcome({ kind: 'error', message: `No se reasignó. ${errorText(error)}` });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (choice === '') {
      setOutcome({ kind: 'error', message: 'Elija el técnico al que reasignar el ticket.' });
      return;
    }
    void reassign(Number(choice), seenVersion);
  };

  const options = (technicians.data?.items ?? []).filter(
    (t) => t.active && t.technician_id !== ticket.technician_id,
  );
  return (
    <form className="reassign" aria-labelledby={`${id}-title`} noValidate onSubmit={submit}>
      <h3 id={`${id}-title`}>Reasignar el técnico</h3>
      <div className="field inline">
        <label htmlFor={`${id}-technician`}>Nuevo técnico</label>
        {technicians.isSuccess ? (
          <select
            id={`${id}-technician`}
            value={choice}
            onChange={(event) => {
              setChoice(event.target.value);
              setSeenVersion(ticket.version);
            }}
          >
            <option value="">Elija el técnico</option>
            {options.map((t) => (
              <option key={t.technician_id} value={t.technician_id}>
                {t.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${id}-technician`}
            type="number"
            inputMode="numeric"
            min={1}
            placeholder="Número de técnico"
            value={choice}
            onChange={(event) => {
              setChoice(event.target.value);
              setSeenVersion(ticket.version);
            }}
          />
        )}
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Reasignando…' : 'Reasignar'}
        </button>
      </div>
      {outcome?.kind === 'saved' && (
        <p className="notice success" role="status" tabIndex={-1} ref={outcomeRef}>
          {outcome.message}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p className="notice error" role="alert" tabIndex={-1} ref={outcomeRef}>
          {outcome.message}
        </p>
      )}
      {outcome?.kind === 'changed' && (
        <div className="notice warning" role="alert">
          <p tabIndex={-1} ref={outcomeRef}>
            <strong>No se reasignó:</strong> otra persona cambió el ticket #{outcome.now.ticket_id} mientras
            usted lo veía. Ahora está {statusLabels[outcome.now.status].toLowerCase()}, con{' '}
            {nameOf(outcome.now.technician_id)} como técnico
            {outcome.now.answer_text === null
              ? ', sin respuesta'
              : `, con la respuesta “${outcome.now.answer_text}”`}
            . Los datos de esta página ya son los nuevos.
          </p>
          <div className="buttons">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setSeenVersion(outcome.now.version);
                void reassign(outcome.technicianId, outcome.now.version);
              }}
            >
              Reasignar de todos modos a {nameOf(outcome.technicianId)}
            </button>
            <button
              type="button"
              onClick={() => {
                setSeenVersion(outcome.now.version);
                setChoice('');
                setOutcome(null);
              }}
            >
              Dejarlo así
            </button>
          </div>
        </div>
      )}
    </form>
  );
}

/** A ticket's history, oldest first: when, who, and what each change did. */
function History({ ticketId }: { readonly ticketId: number }): ReactNode {
  const history = useTicketHistory(ticketId);
  const technicians = useTechnicians();
  const technician = (id: number | null) =>
    id === null
      ? 'nadie'
      : (technicians.data?.items.find((t) => t.technician_id === id)?.name ?? `el técnico #${id}`);
  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title">Historial</h3>
      {history.isPending && <p className="muted">Cargando el historial…</p>}
      {history.isError && (
        <p className="notice error" role="alert">
          No se pudo cargar el historial. {errorText(history.error)}
        </p>
      )}
      {history.data !== undefined && (
        <ol className="events">
          {history.data.map((event) => (
            <li key={event.event_id}>
              <LocalTime value={event.at} /> · <span className="actor">{actorText(event.actor)}</span>
              <p>{eventText(event, technician)}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/**
 * A ticket's page: what was reported, the customer, the technician (reassignable), its dates and
 * its whole history; a change made by someone else while it is open is said, never just shown.
 */
export function TicketPage({
  ticketId,
  listView,
}: {
  readonly ticketId: number;
  readonly listView: ListView;
}): ReactNode {
  const ticket = useTicket(ticketId);
  const zones = useZoneCapacities();
  const isDone = useIsDone();
  const heading = useRef<HTMLHeadingElement>(null);
  // The version the dispatcher has been told about: a newer one is announced until acknowledged.
  const [known, setKnown] = useState<number | null>(null);
  const data = ticket.data;
  useEffect(() => {
    if (data !== undefined && known === null) setKnown(data.version);
  }, [data, known]);
  useEffect(() => heading.current?.focus(), []);
  const back = (
    <a className="back" href={routeHash({ page: 'desk', list: listView })}>
      ← Volver a la lista
    </a>
  );
  if (data === undefined) {
    return (
      <section className="panel ticket-page" aria-labelledby="ticket-title">
        {back}
        <h2 id="ticket-title" tabIndex={-1} ref={heading}>
          Ticket #{ticketId}
        </h2>
        {ticket.isPending && <p className="muted">Cargando el ticket…</p>}
        {ticket.isError && (
          <p className="notice error" role="alert">
            {ticket.error instanceof EnvelopeError && ticket.error.action === 'ticket_not_found'
              ? `El ticket #${ticketId} no existe.`
              : `No se pudo cargar el ticket. ${errorText(ticket.error)}`}
          </p>
        )}
      </section>
    );
  }
  const zone = zones.data?.items.find((z) => z.zone_id === data.zone_id);
  const done = isDone(data.status);
  return (
    <section className="panel ticket-page" aria-labelledby="ticket-title">
      {back}
      <h2 id="ticket-title" tabIndex={-1} ref={heading}>
        Ticket #{data.ticket_id}: {data.subject}
      </h2>
      <p className="ticket-badges">
        <StatusBadge status={data.status} /> <PriorityBadge priority={data.priority} />{' '}
        <DaysLeft days={data.business_days_left} overdue={data.is_overdue} done={done} />
      </p>
      {known !== null && data.version !== known && (
        <div className="notice warning" role="alert">
          <p>
            Otra persona cambió este ticket mientras usted lo tenía abierto: ahora está{' '}
            {statusLabels[data.status].toLowerCase()}, con {technicianText(data)} como técnico. Lo que ve ya
            es lo nuevo; el historial dice qué cambió.
          </p>
          <button type="button" onClick={() => setKnown(data.version)}>
            Entendido
          </button>
        </div>
      )}
      <dl className="ticket-facts">
        <div className="fact wide">
          <dt>Descripción</dt>
          <dd className="description">{data.description}</dd>
        </div>
        <div className="fact">
          <dt>Cliente</dt>
          <dd>
            {data.customer_name ?? 'Cliente sin nombre'}
            <span className="muted small"> · servicio {data.service_id}</span>
          </dd>
        </div>
        <div className="fact">
          <dt>Zona</dt>
          <dd>
            {zone?.name ?? `Zona ${data.zone_id}`} <span className="muted small">#{data.zone_id}</span>
          </dd>
        </div>
        <div className="fact">
          <dt>Técnico</dt>
          <dd>{technicianText(data)}</dd>
        </div>
        <div className="fact">
          <dt>Creado</dt>
          <dd>
            <LocalTime value={data.created_at} />
          </dd>
        </div>
        <div className="fact">
          <dt>Vence</dt>
          <dd>
            <LocalTime value={data.end_date} />
          </dd>
        </div>
        <div className="fact">
          <dt>Actualizado</dt>
          <dd>
            <LocalTime value={data.updated_at} />
          </dd>
        </div>
        <div className="fact wide">
          <dt>Respuesta al cliente</dt>
          <dd>{data.answer_text ?? 'Sin respuesta todavía.'}</dd>
        </div>
      </dl>
      <ReassignForm ticket={data} onReassigned={setKnown} />
      <History ticketId={data.ticket_id} />
    </section>
  );
}
