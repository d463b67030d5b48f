import type {
  AffectedCustomer,
  DeliveryState,
  NewTicket,
  Priority,
  QueuedRequest,
  QueueState,
  Service,
  Technician,
  Ticket,
  TicketEvent,
  TicketEventKind,
  TicketSource,
  TicketStatus,
  Zone,
} from '@tickets/domain';
import { searchableText } from '@tickets/domain';
import type { Selectable } from 'kysely';
import type {
  AffectedCustomersTable,
  QueuedRequestsTable,
  ServicesTable,
  TechniciansTable,
  TicketEventsTable,
  TicketsTable,
  ZonesTable,
} from './schema.js';

// Integer columns read back as numbers on both drivers: better-sqlite3 returns numbers, and
// openPostgres parses int8 (BIGINT) as a number. SQL sums, which PostgreSQL returns as numeric (a
// string), are cast to integer where they are selected.

/** A ticket as stored, read back. */
export function toTicket(row: Selectable<TicketsTable>): Ticket {
  return {
    ticket_id: row.id,
    service_id: row.service_id,
    zone_id: row.zone_id,
    technician_id: row.technician_id,
    subject: row.subject,
    priority: row.priority as Priority,
    description: row.description,
    status: row.status as TicketStatus,
    created_at: row.created_at,
    end_date: row.end_date,
    answer_text: row.answer_text,
    updated_at: row.updated_at,
    source: row.source as TicketSource,
    wisphub_ticket_id: row.wisphub_ticket_id,
    wisphub_sync: row.wisphub_sync as DeliveryState | null,
    wisphub_status: row.wisphub_status as TicketStatus | null,
    version: row.version,
    affected_count: row.affected_count,
  };
}

/** A new ticket's columns. */
export const ticketColumns = (t: NewTicket): Omit<TicketsTable, 'id'> => ({
  service_id: t.service_id,
  zone_id: t.zone_id,
  technician_id: t.technician_id,
  subject: t.subject,
  priority: t.priority,
  description: t.description,
  status: t.status,
  created_at: t.created_at,
  end_date: t.end_date,
  answer_text: t.answer_text,
  updated_at: t.updated_at,
  source: t.source,
  wisphub_ticket_id: t.wisphub_ticket_id,
  wisphub_sync: t.wisphub_sync,
  wisphub_status: t.wisphub_status,
  version: t.version,
  affected_count: t.affected_count,
});

/**
 * The columns a change may write: everything but the id, the zone, the service, the creation and
 * the affected customers' count (which only recording one changes).
 */
export const changedColumns = (t: Ticket) => ({
  id: t.ticket_id,
  technician_id: t.technician_id,
  subject: t.subject,
  priority: t.priority,
  description: t.description,
  status: t.status,
  end_date: t.end_date,
  answer_text: t.answer_text,
  updated_at: t.updated_at,
  wisphub_ticket_id: t.wisphub_ticket_id,
  wisphub_sync: t.wisphub_sync,
  wisphub_status: t.wisphub_status,
  version: t.version,
});

export const toZone = (row: Selectable<ZonesTable>): Zone => ({
  zone_id: row.id,
  name: row.name,
  max_active_tickets: row.max_active_tickets,
});

export const toTechnician = (row: Selectable<TechniciansTable>): Technician => ({
  technician_id: row.id,
  name: row.name,
  active: row.active === 1,
});

export const toService = (row: Pick<ServicesTable, 'id' | 'zone_id' | 'customer_name'>): Service => ({
  service_id: row.id,
  zone_id: row.zone_id,
  customer_name: row.customer_name,
});

export const toEvent = (row: Selectable<TicketEventsTable>): TicketEvent => ({
  event_id: row.id,
  ticket_id: row.ticket_id,
  at: row.at,
  actor: row.actor,
  kind: row.kind as TicketEventKind,
  before: row.before === null ? null : JSON.parse(row.before),
  after: JSON.parse(row.after),
  note: row.note ?? null,
});

export const zoneRow = (zone: Zone): ZonesTable => ({
  id: zone.zone_id,
  name: zone.name,
  max_active_tickets: zone.max_active_tickets,
});

export const technicianRow = (t: Technician): TechniciansTable => ({
  id: t.technician_id,
  name: t.name,
  active: t.active ? 1 : 0,
});

export const serviceRow = (s: Service): ServicesTable => ({
  id: s.service_id,
  zone_id: s.zone_id,
  customer_name: s.customer_name,
  customer_search: s.customer_name === null ? null : searchableText(s.customer_name),
});

export const toQueued = (row: Selectable<QueuedRequestsTable>): QueuedRequest => ({
  queue_id: row.id,
  zone_id: row.zone_id,
  service_id: row.service_id,
  technician_id: row.technician_id,
  subject: row.subject,
  priority: row.priority as Priority,
  description: row.description,
  queued_at: row.queued_at,
  actor: row.actor,
  state: row.state as QueueState,
  ticket_id: row.ticket_id,
  settled_at: row.settled_at,
});

export const toAffected = (row: AffectedCustomersTable): AffectedCustomer => ({
  ticket_id: row.ticket_id,
  service_id: row.service_id,
  description: row.description,
  added_at: row.added_at,
  actor: row.actor,
  resolved_at: row.resolved_at,
  answer_text: row.answer_text,
});
