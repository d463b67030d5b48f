import type { Generated } from 'kysely';

/** Rows as stored. Times are epoch milliseconds; booleans are 0/1 in every dialect. */
export interface TicketsTable {
  id: Generated<number>;
  service_id: number;
  zone_id: number;
  technician_id: number | null;
  subject: string;
  priority: number;
  description: string;
  status: number;
  created_at: number;
  end_date: number;
  answer_text: string | null;
  updated_at: number;
  source: string;
  wisphub_ticket_id: number | null;
  wisphub_sync: string | null;
  wisphub_status: number | null;
  version: number;
  affected_count: number;
}

export interface ZonesTable {
  id: number;
  name: string;
  max_active_tickets: number | null;
}

export interface TechniciansTable {
  id: number;
  name: string;
  active: number;
}

export interface ServicesTable {
  id: number;
  zone_id: number;
  customer_name: string | null;
  /** The customer's name as searches compare it (searchableText), kept with every save of the name. */
  customer_search: string | null;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  at: number;
  actor: string | null;
  kind: string;
  /** JSON of the fields before the change (null for a creation). */
  before: string | null;
  /** JSON of the fields after the change. */
  after: string;
  note: string | null;
}

/** The transactional outbox: deliveries to WispHub and to webhook endpoints. */
export interface OutboxTable {
  id: Generated<number>;
  ticket_id: number;
  channel: string;
  endpoint: string | null;
  event_id: number | null;
  /** JSON of the ticket as the event left it (webhooks). */
  payload: string | null;
  state: string;
  attempts: Generated<number>;
  in_doubt: Generated<number>;
  next_attempt_at: Generated<number>;
  lease_until: Generated<number>;
  lease_holder: string | null;
  last_error: string | null;
  created_at: number;
  settled_at: number | null;
}

/** Leases on periodic jobs, and how their last run went. */
export interface SyncJobsTable {
  name: string;
  holder: string | null;
  lease_until: Generated<number>;
  started_at: number | null;
  finished_at: number | null;
  ok: number | null;
  detail: string | null;
}

/** A create's key: the ticket it created, or the request it put in a line (and its ticket once admitted). */
export interface IdempotencyKeysTable {
  client: string;
  key: string;
  fingerprint: string;
  ticket_id: number | null;
  queue_id: number | null;
  recorded_at: number;
}

/** Customers recorded as affected by a ticket's fault. */
export interface AffectedCustomersTable {
  ticket_id: number;
  service_id: number;
  description: string;
  added_at: number;
  actor: string | null;
  resolved_at: number | null;
  answer_text: string | null;
}

/** Requests waiting for a slot in their zone (and those admitted or withdrawn). */
export interface QueuedRequestsTable {
  id: Generated<number>;
  zone_id: number;
  service_id: number;
  technician_id: number;
  subject: string;
  priority: number;
  description: string;
  queued_at: number;
  actor: string | null;
  /** 'waiting', 'admitted' or 'withdrawn'. */
  state: string;
  ticket_id: number | null;
  settled_at: number | null;
}

/** Requests waiting in each zone's line, kept with every change to the line. */
export interface ZoneWaitingCountsTable {
  zone_id: number;
  waiting: number;
}

export interface ZoneStatusCountsTable {
  zone_id: number;
  status: number;
  tickets: number;
}

export interface TicketDatabase {
  tickets: TicketsTable;
  zone_status_counts: ZoneStatusCountsTable;
  ticket_events: TicketEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  affected_customers: AffectedCustomersTable;
  queued_requests: QueuedRequestsTable;
  zone_waiting_counts: ZoneWaitingCountsTable;
  zones: ZonesTable;
  technicians: TechniciansTable;
  services: ServicesTable;
  outbox: OutboxTable;
  sync_jobs: SyncJobsTable;
}

/** The tables of the directory: what tickets refer to. */
export type DirectoryTable = 'zones' | 'technicians' | 'services';

/** The SQL dialects the store speaks; they differ only where SQL itself does. */
export type SqlDialectName = 'sqlite' | 'postgres';
