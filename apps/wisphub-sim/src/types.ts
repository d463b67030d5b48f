/** A zone (neighbourhood, tower) as WispHub shows it inside a client. */
export interface Zone {
  readonly id: number;
  readonly nombre: string;
}

/** A technician as WispHub shows it inside a client or a ticket. */
export interface Technician {
  readonly id: number;
  readonly nombre: string;
}

/** A client's service as `GET /api/clientes/` lists it. */
export interface Client {
  readonly id_servicio: number;
  readonly nombre: string;
  readonly cedula: string;
  readonly telefono: string;
  readonly direccion: string;
  readonly zona: Zone | null;
  readonly tecnico: Technician | null;
  readonly estado: string;
}

/** What `addClient` takes: a client whose `estado` defaults to "Activo". */
export type NewClient = Omit<Client, 'estado'> & { readonly estado?: string };

/** What `updateClient` changes: any field but the id. */
export type ClientPatch = Partial<Omit<Client, 'id_servicio'>>;

/** WispHub's ticket status codes: 1 Nuevo, 2 En Progreso, 3 Resuelto, 4 Cerrado. */
export type StatusCode = 1 | 2 | 3 | 4;
export type StatusLabel = 'Nuevo' | 'En Progreso' | 'Resuelto' | 'Cerrado';

/** How tickets render `estado`: the code, the label, or the label for even ids and the code for odd ones. */
export type StatusFormat = 'code' | 'label' | 'mixed';

/** WispHub's priority codes: 1 Baja, 2 Normal, 3 Alta, 4 Muy Alta. */
export type Priority = 1 | 2 | 3 | 4;

/** A ticket's fields once validated, before it has an id. */
export interface TicketDraft {
  readonly servicio: number;
  readonly asunto: string;
  readonly asuntos_default: string;
  readonly descripcion: string;
  readonly estado: StatusCode;
  readonly prioridad: Priority;
  readonly tecnico: number | null;
  readonly departamento: string;
  readonly departamentos_default: string;
  /** `DD/MM/YYYY HH:MM`. */
  readonly fecha_inicio: string;
  /** `DD/MM/YYYY HH:MM`. */
  readonly fecha_final: string;
}

/** A ticket as the simulator keeps it. */
export interface StoredTicket extends TicketDraft {
  readonly id_ticket: number;
  /** ISO 8601. */
  readonly fecha_creacion: string;
  /** 'api' when POSTed to /api/tickets/, 'screen' when opened with `openTicket` (WispHub's own screens). */
  readonly origin: 'api' | 'screen';
  /** The multipart form fields exactly as POSTed (text fields only); null for `openTicket`. */
  readonly form: Readonly<Record<string, string>> | null;
}

/** The input of `openTicket`: a ticket opened in WispHub's screens, without HTTP. */
export interface OpenTicketInput {
  readonly servicio: number;
  readonly asunto: string;
  readonly descripcion: string;
  readonly estado: StatusCode | StatusLabel;
  readonly prioridad: Priority;
  readonly tecnico?: number | null;
  /** `DD/MM/YYYY HH:MM`; defaults to now (UTC). */
  readonly fecha_inicio?: string;
  /** `DD/MM/YYYY HH:MM`; defaults to three days after now (UTC). */
  readonly fecha_final?: string;
  readonly asuntos_default?: string;
  readonly departamento?: string;
  readonly departamentos_default?: string;
}

/** DRF's validation error body: field name to messages. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** Which requests a fault applies to; both parts optional, both must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  readonly method?: string;
  /** A path prefix, e.g. '/api/tickets'. */
  readonly path?: string;
}

interface FaultScope {
  readonly match?: FaultMatch;
  /** Apply to the next N matching requests only, then clear. Unset: until replaced. */
  readonly times?: number;
}

/** Answer this status and a `{"detail"}` body without processing the request. 429 always sends Retry-After. */
export interface StatusFault extends FaultScope {
  readonly kind: 'status';
  readonly status: 429 | 500 | 502 | 503;
  readonly retryAfterSeconds?: number;
}

/** Process the request at once, send the answer after `delayMs`. */
export interface SlowFault extends FaultScope {
  readonly kind: 'slow';
  readonly delayMs: number;
}

/** Destroy the connection with no answer, before processing the request or after. */
export interface DropFault extends FaultScope {
  readonly kind: 'drop';
  readonly when: 'before' | 'after';
}

/** Never answer (nor process) until the client gives up or the simulator closes. */
export interface HangFault extends FaultScope {
  readonly kind: 'hang';
}

export type Fault = StatusFault | SlowFault | DropFault | HangFault;

/** One request the simulator received on its WispHub routes (control routes are not logged). */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The status sent; undefined when the connection was dropped, hung or closed before an answer. */
  readonly status: number | undefined;
  /** ISO 8601, when the request arrived. */
  readonly at: string;
  /** The fault applied to it, if any. */
  readonly fault: Fault['kind'] | undefined;
}
