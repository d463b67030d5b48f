import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import {
  type AddAffectedInput,
  badRequestErrors,
  type CreateTicketInput,
  errorCode,
  type FieldError,
  newIdempotencyKey,
  type QueuedRequest,
  type TicketView,
  type ZoneLimit,
} from '../api.js';
import { useApi } from '../context.js';
import {
  affectedAddedMessage,
  plural,
  priorityGroups,
  queuedMessage,
  waitingText,
  zoneFullMessage,
} from '../labels.js';
import { errorText, fieldErrorText, refusalText, requiredTexts } from '../messages.js';
import {
  refreshAfterChange,
  useQueuedRequest,
  useServices,
  useSubjects,
  useTechnicians,
  useZoneCapacities,
  useZoneCapacity,
} from '../queries.js';
import { LocalTime, PriorityBadge } from './Badges.js';
import { ServicePicker } from './ServicePicker.js';
import { type PendingChoice, ZoneFullChoices } from './ZoneFullChoices.js';

type Field = 'service_id' | 'zone_id' | 'technician_id' | 'subject' | 'description';

type Result =
  | { readonly kind: 'created'; readonly ticket: TicketView }
  | {
      readonly kind: 'full';
      readonly limit: ZoneLimit;
      /** Counts the refusals, so that each one shows its choices afresh (and takes the focus). */
      readonly refusal: number;
      /** Why the last choice (recording on a ticket, queueing) was refused. */
      readonly error: string | null;
    }
  | { readonly kind: 'affected'; readonly message: string }
  | { readonly kind: 'queued'; readonly queued: QueuedRequest }
  | { readonly kind: 'error'; readonly message: string };

/** The refusal of a full zone, shown where the dispatcher looks: with the zone's `max_tickets`. */
export function ZoneFullAlert({ limit, zoneName }: { limit: ZoneLimit; zoneName?: string }): ReactNode {
  return (
    <div className="notice warning" role="alert">
      <strong>Zona llena.</strong> {zoneFullMessage(zoneName, limit.zone_id, limit.max_tickets)}
    </div>
  );
}

/** Where a waiting request stands, followed until it is admitted (or withdrawn). */
function QueuedNotice({ queued, zoneName }: { queued: QueuedRequest; zoneName: string }): ReactNode {
  const now = useQueuedRequest(queued).data;
  const { title, detail } = queuedMessage(now, zoneName);
  return (
    <p className={now.state === 'waiting' ? 'notice queued' : 'notice success'}>
      <strong>{title}</strong>. {detail}
    </p>
  );
}

function ErrorText({ id, error }: { id: string; error: string | undefined }): ReactNode {
  if (error === undefined) return null;
  return (
    <p className="field-error" id={id}>
      {error}
    </p>
  );
}

/** Props that tie a control to its error message. */
function describedBy(errors: Partial<Record<Field, string>>, field: Field, ...more: string[]) {
  const ids = [...more, ...(errors[field] === undefined ? [] : [`f-${field}-error`])];
  return {
    'aria-invalid': errors[field] === undefined ? undefined : true,
    'aria-describedby': ids.length === 0 ? undefined : ids.join(' '),
  };
}

/**
 * A service or a technician: chosen from the list when the whole list could be read (an `admin`
 * key), typed as a number otherwise (a `tickets` key may not list them).
 */
function IdField({
  field,
  label,
  loading,
  choices,
  prompt,
  placeholder,
  none,
  value,
  onChange,
  errors,
}: {
  readonly field: 'service_id' | 'technician_id';
  readonly label: string;
  /** What to say while the list loads; null once it has. */
  readonly loading: string | null;
  /** The list to choose from; null to type the number. */
  readonly choices:
    | readonly { readonly id: number; readonly label: string; readonly disabled: boolean }[]
    | null;
  readonly prompt: string;
  readonly placeholder: string;
  /** What to say when the list is empty. */
  readonly none: ReactNode;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly errors: Partial<Record<Field, string>>;
}): ReactNode {
  const id = `f-${field}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {loading !== null ? (
        <select id={id} disabled>
          <option>{loading}</option>
        </select>
      ) : choices !== null ? (
        <select
          id={id}
          required
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...describedBy(errors, field)}
        >
          <option value="">{prompt}</option>
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id} disabled={choice.disabled}>
              {choice.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          required
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...describedBy(errors, field)}
        />
      )}
      {choices !== null && choices.length === 0 && <p className="hint">{none}</p>}
      <ErrorText id={`${id}-error`} error={errors[field]} />
    </div>
  );
}

/**
 * A new ticket: the service (which gives its zone), the technician, a subject from the catalogue
 * grouped by priority, and a description. Shows the zone's capacity before sending.
 */
export function TicketForm(): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const services = useServices();
  const technicians = useTechnicians();
  const subjects = useSubjects();
  const zones = useZoneCapacities();

  const [serviceId, setServiceId] = useState('');
  const [manualZoneId, setManualZoneId] = useState('');
  const [technicianId, setTechnicianId] = useState('');
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [result, setResult] = useState<Result | null>(null);
  const [pendingChoice, setPendingChoice] = useState<PendingChoice>(null);
  const idempotency = useRef<{ body: string; key: string } | null>(null);
  const refusals = useRef(0);
  const submitButton = useRef<HTMLButtonElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // A ticket created or a refusal: the focus goes to what it came to, which is read out.
  const resultNotice = useRef<HTMLParagraphElement>(null);
  const focusResult = useRef(false);
  useEffect(() => {
    if (focusResult.current && resultNotice.current !== null) {
      focusResult.current = false;
      resultNotice.current.focus();
    }
  });
  // Done with a customer through a full zone's choices: the focus goes back to "Crear ticket", as
  // after a create, once the button is enabled again (a disabled button takes no focus).
  const focusSubmit = useRef(false);
  useEffect(() => {
    if (focusSubmit.current && !submitButton.current?.disabled) {
      focusSubmit.current = false;
      submitButton.current?.focus();
    }
  });

  // With a `tickets` key the directory cannot be listed: the dispatcher types the numbers.
  const pickService = services.isSuccess && services.data.complete;
  const pickTechnician = technicians.isSuccess && technicians.data.complete;
  const servicesForbidden = errorCode(services.error) === 'FORBIDDEN';
  const techniciansForbidden = errorCode(technicians.error) === 'FORBIDDEN';
  const tooManyServices = services.isSuccess && !services.data.complete;
  const tooManyTechnicians = technicians.isSuccess && !technicians.data.complete;

  const zoneList = zones.data?.items ?? [];
  const zoneNames = new Map(zoneList.map((z) => [z.zone_id, z.name]));
  const service = pickService
    ? services.data.items.find((s) => String(s.service_id) === serviceId)
    : undefined;
  const zoneId = pickService
    ? (service?.zone_id ?? null)
    : /^\d+$/.test(manualZoneId)
      ? Number(manualZoneId)
      : null;
  const capacity = useZoneCapacity(zoneId);

  const create = useMutation({
    mutationFn: ({ input, key }: { input: CreateTicketInput; key: string }) =>
      api.tickets.create.mutate(input, { context: { idempotencyKey: key } }),
    onSettled: () => refreshAfterChange(queryClient),
  });
  const addAffected = useMutation({
    mutationFn: (input: AddAffectedInput) => api.tickets.addAffected.mutate(input),
    onSettled: () => refreshAfterChange(queryClient),
  });
  const zoneName = (id: number) => zoneNames.get(id) ?? String(id);

  const showErrors = (list: readonly FieldError[]) => {
    const next: Partial<Record<Field, string>> = {};
    for (const error of list) {
      const field = error.field as Field;
      next[field] =
        next[field] === undefined ? fieldErrorText(error) : `${next[field]} ${fieldErrorText(error)}`;
    }
    setErrors(next);
    return list.map(fieldErrorText).join(' ');
  };

  /** The ticket as the form has it now. */
  const formInput = (): CreateTicketInput => ({
    service_id: Number(serviceId),
    zone_id: zoneId ?? 0,
    technician_id: Number(technicianId),
    subject,
    description,
  });

  /** Done with this customer (a ticket, a record on one, a place in line): ready for the next. */
  const settled = (next: Result) => {
    idempotency.current = null;
    setResult(next);
    setSubject('');
    setDescription('');
  };

  /** Shows a refusal: beside the form's fields (and focused), or among a full zone's choices while they are shown. */
  const refused = (message: string) =>
    setResult((current) => {
      if (current?.kind === 'full') return { ...current, error: message };
      focusResult.current = true;
      return { kind: 'error', message };
    });

  /** Sends the form's ticket; `queue` asks a full zone to keep it waiting for a slot. */
  const send = async (queue: boolean) => {
    const input: CreateTicketInput = queue ? { ...formInput(), queue_if_full: true } : formInput();
    const failed = queue ? 'No se dejó en espera.' : 'No se creó el ticket.';
    // A retry of the same ticket (after a network error, say) carries the same key: never two tickets.
    const body = JSON.stringify(input);
    const key = idempotency.current?.body === body ? idempotency.current.key : newIdempotencyKey();
    idempotency.current = { body, key };
    try {
      const reply = await create.mutateAsync({ input, key });
      switch (reply.action) {
        case 'ticket_created':
          // Asked to wait, but a slot had freed meanwhile: created at once.
          if (queue) focusSubmit.current = true;
          else focusResult.current = true;
          settled({ kind: 'created', ticket: reply.data });
          return;
        case 'ticket_queued':
          settled({ kind: 'queued', queued: reply.data });
          focusSubmit.current = true;
          return;
        case 'zone_ticket_limit_reached':
          refusals.current += 1;
          setResult({ kind: 'full', limit: reply.data, refusal: refusals.current, error: null });
          return;
        default: {
          const details = reply.meta === null ? '' : showErrors(reply.meta.errors);
          refused(`${failed} ${details || refusalText(reply.action)}`);
        }
      }
    } catch (error) {
      const fieldErrors = badRequestErrors(error);
      const details = fieldErrors.length > 0 ? showErrors(fieldErrors) : '';
      if (errorCode(error) === 'UNAUTHORIZED') return;
      refused(`${failed} ${details || errorText(error)}`);
    }
  };

  /** The fields left empty, each with what it asks for (the browser's own bubbles are in its language). */
  const missing = (): Partial<Record<Field, string>> => {
    const empty: Partial<Record<Field, string>> = {};
    if (serviceId.trim() === '')
      empty.service_id = pickService ? requiredTexts.service_id : requiredTexts.service_id_typed;
    if (!pickService && !services.isPending && manualZoneId === '') empty.zone_id = requiredTexts.zone_id;
    if (technicianId.trim() === '')
      empty.technician_id = pickTechnician ? requiredTexts.technician_id : requiredTexts.technician_id_typed;
    if (subject === '') empty.subject = requiredTexts.subject;
    // Only what the browser's `required` would catch; the server words the rest (a blank text, say).
    if (description === '') empty.description = requiredTexts.description;
    return empty;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const empty = missing();
    setErrors(empty);
    const first = (Object.keys(empty) as Field[])[0];
    if (first !== undefined) {
      formRef.current?.querySelector<HTMLElement>(`#f-${first}`)?.focus();
      return;
    }
    await send(false);
  };

  const queue = async () => {
    setErrors({});
    setResult((current) => (current?.kind === 'full' ? { ...current, error: null } : current));
    setPendingChoice('queue');
    await send(true);
    setPendingChoice(null);
  };

  /** Records the form's customer (its service and description) on an active ticket of the full zone. */
  const recordOn = async (ticketId: number) => {
    setErrors({});
    setResult((current) => (current?.kind === 'full' ? { ...current, error: null } : current));
    setPendingChoice(ticketId);
    const failed = 'No se agregó el cliente.';
    try {
      const reply = await addAffected.mutateAsync({
        ticket_id: ticketId,
        service_id: Number(serviceId),
        description,
      });
      switch (reply.action) {
        case 'affected_added':
          settled({
            kind: 'affected',
            message: affectedAddedMessage(ticketId, reply.data.affected_count, reply.meta !== null),
          });
          focusSubmit.current = true;
          break;
        case 'ticket_not_active':
          // Resolved or closed meanwhile: it is offered no more.
          setResult((current) =>
            current?.kind === 'full'
              ? {
                  ...current,
                  limit: {
                    ...current.limit,
                    tickets: current.limit.tickets.filter((t) => t.ticket_id !== ticketId),
                  },
                  error: `El ticket #${ticketId} ya no está activo: se resolvió o se cerró mientras tanto. Si la zona ya tiene cupo, cree el ticket.`,
                }
              : current,
          );
          break;
        case 'ticket_not_found':
          refused(`${failed} El ticket #${ticketId} no existe.`);
          break;
        default: {
          const details = reply.meta === null ? '' : showErrors(reply.meta.errors);
          refused(`${failed} ${details || refusalText(reply.action)}`);
        }
      }
    } catch (error) {
      const fieldErrors = badRequestErrors(error);
      const details = fieldErrors.length > 0 ? showErrors(fieldErrors) : '';
      if (errorCode(error) !== 'UNAUTHORIZED') refused(`${failed} ${details || errorText(error)}`);
    }
    setPendingChoice(null);
  };

  const selectedPriority = subjects.data
    ? priorityGroups.find((group) => subjects.data.by_priority[group.key].includes(subject))
    : undefined;
  const priorityCode = selectedPriority
    ? ({ very_high: '4', high: '3', normal: '2', low: '1' } as const)[selectedPriority.key]
    : undefined;

  return (
    <section className="panel new-ticket" aria-labelledby="form-title">
      <h2 id="form-title">Nuevo ticket</h2>
      {(servicesForbidden || techniciansForbidden) && (
        <p className="notice info">
          Su clave de API no permite listar{' '}
          {servicesForbidden && techniciansForbidden
            ? 'servicios ni técnicos'
            : servicesForbidden
              ? 'servicios'
              : 'técnicos'}{' '}
          (hace falta una clave de administrador): escriba sus números.
        </p>
      )}
      {(tooManyServices || tooManyTechnicians) && (
        <p className="notice info">
          Hay demasiados{' '}
          {tooManyServices && tooManyTechnicians
            ? 'servicios y técnicos'
            : tooManyServices
              ? 'servicios'
              : 'técnicos'}{' '}
          para una lista: escriba sus números.
        </p>
      )}
      <form ref={formRef} noValidate onSubmit={submit}>
        {pickService && services.data.items.length > 0 ? (
          // Thousands of services: a searchable picker, by number or customer name.
          <div className="field">
            <label htmlFor="f-service_id">Servicio</label>
            <ServicePicker
              id="f-service_id"
              services={services.data.items}
              value={serviceId}
              onChange={setServiceId}
              describe={(s) =>
                `${s.service_id} · ${s.customer_name ?? 'sin nombre'} · ${zoneNames.get(s.zone_id) ?? `zona ${s.zone_id}`}`
              }
              describedBy={errors.service_id === undefined ? undefined : 'f-service_id-error'}
              invalid={errors.service_id !== undefined}
            />
            <ErrorText id="f-service_id-error" error={errors.service_id} />
          </div>
        ) : (
          <IdField
            field="service_id"
            label="Servicio"
            loading={services.isPending ? 'Cargando servicios…' : null}
            choices={pickService ? [] : null}
            prompt="Elija el servicio del cliente"
            placeholder="Número de servicio"
            none="No hay servicios todavía: pida a un administrador que los cargue."
            value={serviceId}
            onChange={setServiceId}
            errors={errors}
          />
        )}

        <div className="field">
          <label htmlFor="f-zone_id">Zona</label>
          {pickService || services.isPending ? (
            <output id="f-zone_id" className="readonly" aria-describedby="f-capacity">
              {zoneId === null ? 'La da el servicio' : `${zoneNames.get(zoneId) ?? 'Zona'} (#${zoneId})`}
            </output>
          ) : (
            <select
              id="f-zone_id"
              required
              value={manualZoneId}
              onChange={(event) => setManualZoneId(event.target.value)}
              {...describedBy(errors, 'zone_id', 'f-capacity')}
            >
              <option value="">Elija la zona del servicio</option>
              {zoneList.map((z) => (
                <option key={z.zone_id} value={z.zone_id}>
                  {z.name} (#{z.zone_id})
                </option>
              ))}
            </select>
          )}
          <p
            id="f-capacity"
            className={capacity.data?.is_blocked ? 'capacity full' : 'capacity'}
            aria-live="polite"
          >
            {zoneId === null
              ? ''
              : capacity.data
                ? `${capacity.data.active_tickets} de ${plural(capacity.data.max_tickets, 'ticket activo', 'tickets activos')}${
                    capacity.data.is_blocked ? ': zona llena, no admite tickets nuevos' : ''
                  }${capacity.data.waiting > 0 ? ` · ${waitingText(capacity.data.waiting)}` : ''}`
                : capacity.isError
                  ? 'No se pudo consultar la capacidad de la zona'
                  : 'Consultando la capacidad…'}
          </p>
          <ErrorText id="f-zone_id-error" error={errors.zone_id} />
        </div>

        <IdField
          field="technician_id"
          label="Técnico"
          loading={technicians.isPending ? 'Cargando técnicos…' : null}
          choices={
            pickTechnician
              ? technicians.data.items.map((t) => ({
                  id: t.technician_id,
                  label: t.active ? t.name : `${t.name} (inactivo)`,
                  disabled: !t.active,
                }))
              : null
          }
          prompt="Elija el técnico"
          placeholder="Número de técnico"
          none="No hay técnicos todavía: pida a un administrador que los cargue."
          value={technicianId}
          onChange={setTechnicianId}
          errors={errors}
        />

        <div className="field">
          <label htmlFor="f-subject">Asunto</label>
          <select
            id="f-subject"
            required
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            {...describedBy(errors, 'subject', 'f-priority')}
          >
            <option value="">{subjects.isPending ? 'Cargando el catálogo…' : 'Elija un asunto'}</option>
            {subjects.data &&
              priorityGroups.map((group) => (
                <optgroup key={group.key} label={`Prioridad ${group.label.toLowerCase()}`}>
                  {subjects.data.by_priority[group.key].map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </optgroup>
              ))}
          </select>
          <p id="f-priority" className="hint">
            {priorityCode === undefined ? (
              'La prioridad la da el asunto.'
            ) : (
              <>
                Prioridad <PriorityBadge priority={priorityCode} />
              </>
            )}
          </p>
          <ErrorText id="f-subject-error" error={errors.subject} />
        </div>

        <div className="field full">
          <label htmlFor="f-description">Descripción</label>
          <textarea
            id="f-description"
            required
            rows={3}
            maxLength={10_000}
            placeholder="Qué reporta el cliente"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            {...describedBy(errors, 'description')}
          />
          <ErrorText id="f-description-error" error={errors.description} />
        </div>

        <button type="submit" ref={submitButton} className="primary wide" disabled={create.isPending}>
          {create.isPending ? 'Creando…' : 'Crear ticket'}
        </button>
      </form>

      <div className="result" role="status">
        {result?.kind === 'created' && (
          <p className="notice success" tabIndex={-1} ref={resultNotice}>
            <strong>Ticket #{result.ticket.ticket_id} creado</strong> ({result.ticket.subject}). Vence el{' '}
            <LocalTime value={result.ticket.end_date} />.
          </p>
        )}
        {result?.kind === 'affected' && (
          <p className="notice success">
            <strong>{result.message}</strong>
          </p>
        )}
        {result?.kind === 'queued' && (
          <QueuedNotice queued={result.queued} zoneName={zoneName(result.queued.zone_id)} />
        )}
      </div>
      {result?.kind === 'full' && (
        <ZoneFullAlert limit={result.limit} zoneName={zoneNames.get(result.limit.zone_id)} />
      )}
      {/* The choices act on the form's customer: offered while its service is in the refused zone. */}
      {result?.kind === 'full' && result.limit.zone_id === zoneId && (
        <ZoneFullChoices
          key={result.refusal}
          limit={result.limit}
          zoneName={zoneName(result.limit.zone_id)}
          pending={pendingChoice}
          error={result.error}
          onAddAffected={recordOn}
          onQueue={queue}
        />
      )}
      {result?.kind === 'error' && (
        <p className="notice error" role="alert" tabIndex={-1} ref={resultNotice}>
          {result.message}
        </p>
      )}
    </section>
  );
}
