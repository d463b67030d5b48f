/** WispHub's status codes: 1 Abierto, 2 En Progreso, 3 Resuelto, 4 Cerrado. */
export type TicketStatus = 1 | 2 | 3 | 4;

export const ticketStatuses: readonly TicketStatus[] = [1, 2, 3, 4];

/** The status every ticket is opened with: Abierto. */
export const INITIAL_STATUS: TicketStatus = 1;

export const statusLabels: Readonly<Record<TicketStatus, string>> = {
  1: 'Abierto',
  2: 'En Progreso',
  3: 'Resuelto',
  4: 'Cerrado',
};

/** Priority codes carried by subjects: 1 Baja, 2 Normal, 3 Alta, 4 Muy Alta. */
export type Priority = 1 | 2 | 3 | 4;

export const priorities: readonly Priority[] = [1, 2, 3, 4];

export const priorityLabels: Readonly<Record<Priority, string>> = {
  1: 'Baja',
  2: 'Normal',
  3: 'Alta',
  4: 'Muy Alta',
};

/** Where a ticket was opened: through this service's API, or directly in WispHub. */
export type TicketSource = 'api' | 'wisphub';

/** Where a delivery (a ticket's to WispHub, say) stands. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A field-support ticket. Times are epoch milliseconds. */
export interface Ticket {
  readonly ticket_id: number;
  readonly service_id: number;
  readonly zone_id: number;
  /** Null only for a ticket opened in WispHub without a technician. */
  readonly technician_id: number | null;
  readonly subject: string;
  readonly priority: Priority;
  readonly description: string;
  readonly status: TicketStatus;
  readonly created_at: number;
  readonly end_date: number;
  readonly answer_text: string | null;
  readonly updated_at: number;
  readonly source: TicketSource;
  /** Its id in WispHub, once WispHub holds it. */
  readonly wisphub_ticket_id: number | null;
  /** Its delivery to WispHub; null when the WispHub connector is off. */
  readonly wisphub_sync: DeliveryState | null;
  /**
   * The status WispHub last reported for it (or was sent with it), so that a change made in
   * WispHub can be told from one made here. Null until WispHub holds it.
   */
  readonly wisphub_status: TicketStatus | null;
  /** 1 when opened, + 1 with each change: what a conditional change (If-Match) compares. */
  readonly version: number;
  /**
   * Customers recorded as affected by the same fault (see AffectedCustomer). Recording one does
   * not change `version`: it is not a change to the ticket a dispatcher could overwrite.
   */
  readonly affected_count: number;
}

/** A ticket with its customer's and its technician's names (null when unknown), as listings and its page show it. */
export interface NamedTicket extends Ticket {
  readonly customer_name: string | null;
  readonly technician_name: string | null;
}

/** A ticket as the 409 of a full zone lists it: is the customer's fault this one? */
export interface ActiveTicketSummary {
  readonly ticket_id: number;
  readonly subject: string;
  readonly created_at: number;
  readonly affected_count: number;
}

/** A ticket before the store has given it an id. */
export type NewTicket = Omit<Ticket, 'ticket_id'>;

/** A neighbourhood or tower whose active tickets are throttled. */
export interface Zone {
  readonly zone_id: number;
  readonly name: string;
  /** This zone's own limit; null means the deployment's default. */
  readonly max_active_tickets: number | null;
}

export interface Technician {
  readonly technician_id: number;
  readonly name: string;
  readonly active: boolean;
}

/** A customer's subscription, which belongs to one zone. */
export interface Service {
  readonly service_id: number;
  readonly zone_id: number;
  readonly customer_name: string | null;
}

/**
 * What an audit event records of a ticket: the fields a change touched, before or after it; and,
 * for events about an affected customer, its service; for a ticket admitted from its zone's
 * waiting line, the request it was and when it was queued.
 */
export type TicketSnapshot = Partial<Omit<Ticket, 'ticket_id' | 'created_at' | 'updated_at'>> & {
  readonly affected_service_id?: number;
  readonly queue_id?: number;
  readonly queued_at?: number;
};

export type TicketEventKind =
  | 'created'
  | 'status_changed'
  | 'answered'
  | 'technician_changed'
  | 'delivered'
  | 'delivery_failed'
  | 'delivery_retried'
  | 'affected_added'
  | 'affected_resolved';

/** One change to a ticket, as the audit trail keeps it. */
export interface TicketEvent {
  readonly event_id: number;
  readonly ticket_id: number;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The API key's name that made the change, when keys are in use. */
  readonly actor: string | null;
  readonly kind: TicketEventKind;
  readonly before: TicketSnapshot | null;
  readonly after: TicketSnapshot;
  /** What else there is to say: WispHub's answer to a failed delivery, say. */
  readonly note: string | null;
}

/** An event before the store has given it an id and a ticket. */
export type NewTicketEvent = Omit<TicketEvent, 'event_id' | 'ticket_id'>;
