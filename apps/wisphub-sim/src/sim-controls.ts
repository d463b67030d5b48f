import type { Result } from 'neverthrow';
import type { FaultSwitch } from './fault-switch.js';
import type { RequestLog } from './request-log.js';
import type { SimState } from './sim-state.js';
import { parseTicketForm, type TicketFormLookups } from './ticket-form.js';
import { parseStatus } from './ticket-status.js';
import { type TicketView, viewTicket } from './ticket-view.js';
import type {
  Client,
  ClientPatch,
  Fault,
  FieldErrors,
  NewClient,
  OpenTicketInput,
  RequestLogEntry,
  StatusCode,
  StatusFormat,
  StatusLabel,
  StoredTicket,
} from './types.js';
import { formatWispHubDate } from './wisphub-date.js';

/** Everything a test (or the `/__sim` routes) can do to the simulated WispHub account. */
export interface SimControls {
  /** Every client, by id_servicio ascending. */
  clients(): readonly Client[];
  client(id: number): Client | undefined;
  /** Adds a client (estado defaults to "Activo"); throws if its id is taken. */
  addClient(client: NewClient): Client;
  /** Changes a client, e.g. moves it to another zone; throws if there is none with this id. */
  updateClient(id: number, patch: ClientPatch): Client;
  /** Opens a ticket as WispHub's own screens would (no HTTP); throws on input WispHub would refuse. */
  openTicket(input: OpenTicketInput): StoredTicket;
  /** `openTicket` answering WispHub's field errors instead of throwing. */
  tryOpenTicket(input: OpenTicketInput): Result<StoredTicket, FieldErrors>;
  /** What `POST /api/tickets/` does with its form fields. */
  submitTicketForm(form: Readonly<Record<string, string>>): Result<StoredTicket, FieldErrors>;
  /** A technician resolves, closes or reopens a ticket in WispHub; throws if there is no such ticket. */
  setTicketStatus(id: number, estado: StatusCode | StatusLabel): StoredTicket;
  /** Deletes a ticket; false if there was none with this id. */
  deleteTicket(id: number): boolean;
  ticket(id: number): StoredTicket | undefined;
  /** Every ticket as stored (POSTed ones with their raw form), by id_ticket ascending. */
  tickets(): readonly StoredTicket[];
  /** A ticket as the API renders it now. */
  viewTicket(ticket: StoredTicket): TicketView;
  statusFormat(): StatusFormat;
  setStatusFormat(format: StatusFormat): void;
  /** Switches a fault on (throws if malformed), or off with null. */
  setFault(fault: Fault | null): void;
  /** The fault switched on, `times` counting what is left of it. */
  fault(): Fault | null;
  /** Every request received on the WispHub routes so far, in arrival order. */
  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
}

const DAY_MS = 86_400_000;

// A ticket opened in WispHub's screens goes through the same rules as the API's form.
function screenForm(input: OpenTicketInput, now: Date): Record<string, string> {
  return {
    servicio: String(input.servicio),
    asunto: input.asunto,
    asuntos_default: input.asuntos_default ?? '',
    descripcion: input.descripcion,
    estado: String(parseStatus(input.estado) ?? input.estado),
    prioridad: String(input.prioridad),
    tecnico: input.tecnico === undefined || input.tecnico === null ? '' : String(input.tecnico),
    fecha_inicio: input.fecha_inicio ?? formatWispHubDate(now),
    fecha_final: input.fecha_final ?? formatWispHubDate(new Date(now.getTime() + 3 * DAY_MS)),
    departamento: input.departamento ?? '',
    departamentos_default: input.departamentos_default ?? '',
  };
}

export function createSimControls(
  state: SimState,
  faults: FaultSwitch,
  log: RequestLog,
  options: { readonly statusFormat: StatusFormat; readonly now: () => Date },
): SimControls {
  let format = options.statusFormat;
  const lookups: TicketFormLookups = {
    hasClient: (id) => state.client(id) !== undefined,
    hasTechnician: (id) => state.technician(id) !== undefined,
  };
  const tryOpenTicket = (input: OpenTicketInput) =>
    parseTicketForm(screenForm(input, options.now()), lookups).map((draft) =>
      state.createTicket(draft, 'screen', null),
    );

  return {
    clients: state.clients,
    client: state.client,
    addClient: state.addClient,
    updateClient: state.updateClient,
    tryOpenTicket,
    openTicket(input) {
      return tryOpenTicket(input).match(
        (ticket) => ticket,
        (errors) => {
          throw new Error(`openTicket: WispHub would refuse this ticket: ${JSON.stringify(errors)}`);
        },
      );
    },
    submitTicketForm: (form) =>
      parseTicketForm(form, lookups).map((draft) => state.createTicket(draft, 'api', { ...form })),
    setTicketStatus(id, estado) {
      const code = parseStatus(estado);
      if (code === undefined) throw new Error(`setTicketStatus: unknown status ${estado}`);
      return state.setTicketStatus(id, code);
    },
    deleteTicket: state.deleteTicket,
    ticket: state.ticket,
    tickets: state.tickets,
    viewTicket: (ticket) => viewTicket(ticket, state, format),
    statusFormat: () => format,
    setStatusFormat(next) {
      format = next;
    },
    setFault: faults.set,
    fault: faults.current,
    requests: log.entries,
    clearRequests: log.clear,
  };
}
