import type {
  AffectedCustomer,
  AffectedOutcome,
  BusinessCalendar,
  Clock,
  DeliveryStats,
  JobRun,
  NamedTicket,
  Page,
  Priority,
  QueuePlace,
  Service,
  StatusMeaning,
  SubjectCatalogue,
  SyncReport,
  Technician,
  TechnicianWorkload,
  Ticket,
  TicketCounts,
  TicketEvent,
  TicketSnapshot,
  Zone,
  ZoneCapacity,
  ZoneFull,
} from '@tickets/domain';
import { statusLabels } from '@tickets/domain';
import { z } from 'zod';

const id = z.int().positive();
const localTime = z.string().meta({ description: 'YYYY-MM-DD HH:mm in the business time zone' });

const statusLabelSchema = z.enum(['Abierto', 'En Progreso', 'Resuelto', 'Cerrado']);
const deliveryStateSchema = z.enum(['pending', 'delivered', 'failed']);

/** A page's cursor: what to pass as `cursor` for the next page. */
const nextCursor = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null on the last' });

export const ticketViewSchema = z
  .object({
    ticket_id: id,
    service_id: id,
    zone_id: id,
    technician_id: id
      .nullable()
      .meta({ description: 'Null only for a ticket opened in WispHub without one' }),
    subject: z.string().meta({ example: 'Falla Masiva' }),
    description: z.string(),
    priority: z.enum(['1', '2', '3', '4']).meta({ description: '1 Baja, 2 Normal, 3 Alta, 4 Muy Alta' }),
    status: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    status_ticket: statusLabelSchema,
    created_at: localTime.meta({ example: '2026-02-26 10:00' }),
    end_date: localTime.meta({
      description: 'Estimated resolution: created_at plus the resolution business days',
      example: '2026-03-03 10:00',
    }),
    updated_at: localTime,
    answer_text: z.string().nullable(),
    business_days_left: z.int().meta({
      description:
        'Business days from today to end_date (0: due today; negative: that many business days late), in the business time zone',
      example: 2,
    }),
    is_overdue: z.boolean().meta({ description: 'end_date has passed (whatever the status)' }),
    source: z.enum(['api', 'wisphub']).meta({
      description: 'Opened through this API (`api`), or in WispHub directly and brought in (`wisphub`)',
    }),
    wisphub_ticket_id: id
      .nullable()
      .meta({ description: "The ticket's id in WispHub; null until WispHub holds it" }),
    wisphub_sync: deliveryStateSchema.nullable().meta({
      description:
        'Its delivery to WispHub: `pending` (retried until WispHub takes it), `delivered`, `failed` (WispHub refused it; see the history, and retry); null with the connector off',
    }),
    version: id.meta({
      description:
        '1 when opened, + 1 with each change; also the `ETag`, and what `If-Match` compares. Recording an affected customer does not change it',
      example: 1,
    }),
    affected_count: z.int().nonnegative().meta({
      description:
        'Customers recorded as affected by the same fault (POST /api/v1/tickets/{ticket_id}/affected)',
      example: 0,
    }),
  })
  .meta({ id: 'Ticket' });
export type TicketView = z.output<typeof ticketViewSchema>;

/** A ticket with the names a dispatcher reads it by: its customer's and its technician's. */
export const namedTicketViewSchema = ticketViewSchema
  .extend({
    customer_name: z
      .string()
      .nullable()
      .meta({ description: "The customer's name, as its service records it; null when unknown" }),
    technician_name: z
      .string()
      .nullable()
      .meta({ description: "The technician's name; null without a technician" }),
  })
  .meta({ id: 'NamedTicket' });
export type NamedTicketView = z.output<typeof namedTicketViewSchema>;

/** A ticket's fields as an audit event shows them, before or after a change (only those it touched). */
const snapshotViewSchema = z
  .object({
    service_id: id,
    zone_id: id,
    technician_id: id.nullable(),
    subject: z.string(),
    description: z.string(),
    priority: z.enum(['1', '2', '3', '4']),
    status: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    status_ticket: statusLabelSchema,
    end_date: localTime,
    answer_text: z.string().nullable(),
    wisphub_ticket_id: id.nullable(),
    wisphub_sync: deliveryStateSchema.nullable(),
    affected_count: z.int().nonnegative(),
    affected_service_id: id.meta({ description: 'The affected customer an `affected_*` event is about' }),
    queue_id: id.meta({
      description: "On the `created` event of a ticket admitted from its zone's waiting line",
    }),
    queued_at: localTime.meta({ description: 'When that request was queued' }),
  })
  .partial()
  .meta({ id: 'TicketSnapshot' });

export const ticketEventViewSchema = z
  .object({
    event_id: id,
    kind: z.enum([
      'created',
      'status_changed',
      'answered',
      'delivered',
      'delivery_failed',
      'delivery_retried',
      'technician_changed',
      'affected_added',
      'affected_resolved',
    ]),
    at: localTime.meta({ example: '2026-02-26 10:00' }),
    at_utc: z
      .string()
      .meta({ description: 'The same instant, ISO 8601 in UTC', example: '2026-02-26T15:00:00.000Z' }),
    actor: z
      .string()
      .nullable()
      .meta({ description: "The API key's name, when keys are in use; `wisphub` for what WispHub reported" }),
    before: snapshotViewSchema.nullable(),
    after: snapshotViewSchema,
    note: z
      .string()
      .nullable()
      .meta({ description: "WispHub's answer to a refused delivery, or what an affected customer reported" }),
  })
  .meta({ id: 'TicketEvent' });

export const ticketHistoryViewSchema = z
  .object({
    ticket_id: id,
    events: z.array(ticketEventViewSchema),
    next_cursor: nextCursor,
  })
  .meta({ id: 'TicketHistory' });

export const zoneViewSchema = z
  .object({ zone_id: id, name: z.string(), max_active_tickets: id.nullable() })
  .meta({ id: 'Zone' });
export const technicianViewSchema = z
  .object({ technician_id: id, name: z.string(), active: z.boolean() })
  .meta({ id: 'Technician' });
export const serviceViewSchema = z
  .object({ service_id: id, zone_id: id, customer_name: z.string().nullable() })
  .meta({ id: 'Service' });

const waiting = z.int().nonnegative().meta({ description: "Requests waiting in the zone's line for a slot" });
const overdue = z
  .int()
  .nonnegative()
  .meta({ description: 'Its open tickets (not done) past their end_date' });

export const zoneCapacityViewSchema = z
  .object({
    zone_id: id,
    active_tickets: z.int().nonnegative(),
    max_tickets: id,
    is_blocked: z.boolean(),
    waiting,
    overdue,
  })
  .meta({ id: 'ZoneCapacity' });

export const zoneCapacityPageViewSchema = z
  .object({
    zones: z.array(
      z
        .object({
          zone_id: id,
          name: z.string(),
          active_tickets: z.int().nonnegative(),
          max_tickets: id,
          is_blocked: z.boolean(),
          waiting,
          overdue,
        })
        .meta({ id: 'NamedZoneCapacity' }),
    ),
    next_cursor: nextCursor,
  })
  .meta({ id: 'ZoneCapacities' });

export const zoneBlockedViewSchema = z
  .object({ is_blocked: z.boolean(), max_tickets: id })
  .meta({ id: 'ZoneBlocked' });

export const zoneLimitViewSchema = z
  .object({
    zone_id: id,
    active_tickets: z.int().nonnegative(),
    max_tickets: id,
    waiting,
    tickets: z
      .array(
        z
          .object({
            ticket_id: id,
            subject: z.string(),
            created_at: localTime,
            affected_count: z.int().nonnegative(),
          })
          .meta({ id: 'ActiveTicketSummary' }),
      )
      .meta({
        description:
          "The zone's active tickets, newest first (at most 50): is the customer's fault one of these? Then POST /api/v1/tickets/{ticket_id}/affected",
      }),
  })
  .meta({ id: 'ZoneLimit' });

export const queuedViewSchema = z
  .object({
    queue_id: id,
    zone_id: id,
    service_id: id,
    technician_id: id,
    subject: z.string(),
    description: z.string(),
    state: z.enum(['waiting', 'admitted', 'withdrawn']),
    position: id
      .nullable()
      .meta({ description: '1 for the next to be admitted; null once it no longer waits', example: 2 }),
    queued_at: localTime,
    ticket_id: id.nullable().meta({ description: 'The ticket it became, once admitted' }),
    settled_at: localTime.nullable().meta({ description: 'When it was admitted or withdrawn' }),
  })
  .meta({ id: 'QueuedRequest' });

export const queuePageViewSchema = z
  .object({ queue: z.array(queuedViewSchema), next_cursor: nextCursor })
  .meta({ id: 'ZoneQueue' });

export const affectedViewSchema = z
  .object({
    ticket_id: id,
    service_id: id,
    description: z.string(),
    added_at: localTime,
    actor: z.string().nullable(),
    resolved_at: localTime.nullable().meta({ description: 'When its ticket was resolved; null until then' }),
    answer_text: z.string().nullable().meta({ description: "The ticket's answer, once resolved" }),
  })
  .meta({ id: 'AffectedCustomer' });

export const affectedAddedViewSchema = z
  .object({
    affected: affectedViewSchema,
    affected_count: z.int().positive().meta({ description: "The ticket's count of affected customers now" }),
  })
  .meta({ id: 'AffectedAdded' });

export const affectedPageViewSchema = z
  .object({ ticket_id: id, affected: z.array(affectedViewSchema), next_cursor: nextCursor })
  .meta({ id: 'AffectedCustomers' });

const subjectList = z.array(z.string());
export const subjectsViewSchema = z
  .object({
    all: subjectList,
    by_priority: z.object({
      low: subjectList,
      normal: subjectList,
      high: subjectList,
      very_high: subjectList,
    }),
  })
  .meta({ id: 'Subjects' });

export const statusesViewSchema = z
  .object({
    statuses: z.array(
      z
        .object({
          status: z.int().min(1).max(4),
          label: z.string().meta({ example: 'Abierto' }),
          active: z.boolean().meta({ description: "Counts against its zone's limit (ACTIVE_TICKET_STATES)" }),
          done: z.boolean().meta({
            description:
              'Its work is finished: no resolution date left to meet (DONE_TICKET_STATES); a status not done is open',
          }),
        })
        .meta({ id: 'TicketStatusMeaning' }),
    ),
  })
  .meta({ id: 'TicketStatuses' });

export const ticketPageViewSchema = z.object({
  tickets: z.array(namedTicketViewSchema),
  next_cursor: nextCursor.meta({
    description: 'Pass as `cursor`, with the same sort, for the next page; null on the last',
  }),
});

const count = z.int().nonnegative();

export const ticketCountsViewSchema = z
  .object({
    open: count.meta({ description: 'Tickets not done (DONE_TICKET_STATES)' }),
    overdue: count.meta({ description: 'Open tickets past their end_date' }),
    due_today: count.meta({ description: 'Open tickets due later today, in the business time zone' }),
  })
  .meta({ id: 'TicketCounts' });

export const technicianWorkloadPageViewSchema = z
  .object({
    technicians: z.array(
      z
        .object({
          technician_id: id,
          name: z.string(),
          active: z.boolean(),
          open: count.meta({ description: 'Their tickets not done' }),
          in_progress: count.meta({ description: 'Their open tickets in status 2, En Progreso' }),
          overdue: count.meta({ description: 'Their open tickets past their end_date' }),
        })
        .meta({ id: 'TechnicianWorkload' }),
    ),
    next_cursor: nextCursor,
  })
  .meta({ id: 'TechnicianWorkloads' });
export const zonePageViewSchema = z.object({ zones: z.array(zoneViewSchema), next_cursor: nextCursor });
export const technicianPageViewSchema = z.object({
  technicians: z.array(technicianViewSchema),
  next_cursor: nextCursor,
});
export const servicePageViewSchema = z.object({
  services: z.array(serviceViewSchema),
  next_cursor: nextCursor,
});

const deliveryStatsViewSchema = z.object({
  pending: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  oldest_pending_at: localTime.nullable(),
  oldest_pending_age_seconds: z.int().nonnegative().nullable(),
});

const jobRunViewSchema = z
  .object({
    started_at: localTime.nullable(),
    finished_at: localTime.nullable(),
    running: z.boolean().meta({ description: 'A run is under way (started after the last one finished)' }),
    outcome: z.enum(['ok', 'failed']).nullable().meta({ description: 'Of the last finished run' }),
    counts: z
      .record(z.string(), z.int())
      .nullable()
      .meta({ description: 'What the last run did, when it succeeded' }),
    error: z.string().nullable().meta({ description: 'Why the last run failed' }),
  })
  .meta({ id: 'SyncRun' });

export const syncReportViewSchema = z
  .object({
    wisphub: z.object({
      enabled: z.boolean().meta({ description: 'WISPHUB_URL is set' }),
      status_pull: jobRunViewSchema.nullable(),
      reference_pull: jobRunViewSchema.nullable(),
      deliveries: deliveryStatsViewSchema,
    }),
    webhooks: z.object({ endpoints: z.int().nonnegative(), deliveries: deliveryStatsViewSchema }),
  })
  .meta({ id: 'SyncReport' });

const priorityCodes = { 1: '1', 2: '2', 3: '3', 4: '4' } as const satisfies Record<Priority, string>;

/** Turns domain values into what the API shows; times in the calendar's time zone. */
export function createViews(calendar: BusinessCalendar, clock: Clock) {
  const ticket = (t: Ticket): TicketView => {
    const now = clock.now();
    return {
      ticket_id: t.ticket_id,
      service_id: t.service_id,
      zone_id: t.zone_id,
      technician_id: t.technician_id,
      subject: t.subject,
      description: t.description,
      priority: priorityCodes[t.priority],
      status: t.status,
      status_ticket: statusLabels[t.status] as TicketView['status_ticket'],
      created_at: calendar.format(t.created_at),
      end_date: calendar.format(t.end_date),
      updated_at: calendar.format(t.updated_at),
      answer_text: t.answer_text,
      business_days_left: calendar.businessDaysBetween(now, t.end_date),
      is_overdue: now > t.end_date,
      source: t.source,
      wisphub_ticket_id: t.wisphub_ticket_id,
      wisphub_sync: t.wisphub_sync,
      version: t.version,
      affected_count: t.affected_count,
    };
  };
  const namedTicket = (t: NamedTicket): NamedTicketView => ({
    ...ticket(t),
    customer_name: t.customer_name,
    technician_name: t.technician_name,
  });
  const snapshot = (fields: TicketSnapshot) => {
    const { priority, end_date, status, queued_at, ...rest } = fields;
    return {
      ...rest,
      ...(queued_at === undefined ? {} : { queued_at: calendar.format(queued_at) }),
      ...(priority === undefined ? {} : { priority: priorityCodes[priority] }),
      ...(status === undefined
        ? {}
        : { status, status_ticket: statusLabels[status] as TicketView['status_ticket'] }),
      ...(end_date === undefined ? {} : { end_date: calendar.format(end_date) }),
    };
  };
  const event = (e: TicketEvent) => ({
    event_id: e.event_id,
    kind: e.kind,
    at: calendar.format(e.at),
    at_utc: new Date(e.at).toISOString(),
    actor: e.actor,
    before: e.before === null ? null : snapshot(e.before),
    after: snapshot(e.after),
    note: e.note,
  });
  const queued = ({ queued: q, position }: QueuePlace) => ({
    queue_id: q.queue_id,
    zone_id: q.zone_id,
    service_id: q.service_id,
    technician_id: q.technician_id,
    subject: q.subject,
    description: q.description,
    state: q.state,
    position,
    queued_at: calendar.format(q.queued_at),
    ticket_id: q.ticket_id,
    settled_at: q.settled_at === null ? null : calendar.format(q.settled_at),
  });
  const affected = (a: AffectedCustomer) => ({
    ticket_id: a.ticket_id,
    service_id: a.service_id,
    description: a.description,
    added_at: calendar.format(a.added_at),
    actor: a.actor,
    resolved_at: a.resolved_at === null ? null : calendar.format(a.resolved_at),
    answer_text: a.answer_text,
  });
  const deliveryStats = (stats: DeliveryStats) => ({
    pending: stats.pending,
    failed: stats.failed,
    oldest_pending_at: stats.oldest_pending_at === null ? null : calendar.format(stats.oldest_pending_at),
    oldest_pending_age_seconds:
      stats.oldest_pending_at === null
        ? null
        : Math.max(0, Math.floor((clock.now() - stats.oldest_pending_at) / 1000)),
  });
  const jobRun = (run: JobRun | null) => {
    if (run === null) return null;
    const running = run.started_at !== null && (run.finished_at === null || run.finished_at < run.started_at);
    const outcome = run.ok === null ? null : run.ok ? 'ok' : 'failed';
    let counts: Record<string, number> | null = null;
    if (run.ok === true && run.detail !== null) {
      try {
        counts = JSON.parse(run.detail) as Record<string, number>;
      } catch {
        counts = null;
      }
    }
    return {
      started_at: run.started_at === null ? null : calendar.format(run.started_at),
      finished_at: run.finished_at === null ? null : calendar.format(run.finished_at),
      running,
      outcome,
      counts,
      error: run.ok === false ? run.detail : null,
    } as const;
  };
  return {
    ticket,
    history: (ticketId: number) => (page: Page<TicketEvent>) => ({
      ticket_id: ticketId,
      events: page.items.map(event),
      next_cursor: page.next_cursor,
    }),
    namedTicket,
    ticketPage: (page: Page<NamedTicket>) => ({
      tickets: page.items.map(namedTicket),
      next_cursor: page.next_cursor,
    }),
    ticketCounts: (counts: TicketCounts) => counts,
    technicianWorkloadPage: (page: Page<TechnicianWorkload>) => ({
      technicians: page.items,
      next_cursor: page.next_cursor,
    }),
    zone: (zone: Zone) => zone,
    zonePage: (page: Page<Zone>) => ({ zones: page.items, next_cursor: page.next_cursor }),
    technician: (technician: Technician) => technician,
    technicianPage: (page: Page<Technician>) => ({ technicians: page.items, next_cursor: page.next_cursor }),
    service: (service: Service) => service,
    servicePage: (page: Page<Service>) => ({ services: page.items, next_cursor: page.next_cursor }),
    zoneCapacity: (capacity: ZoneCapacity) => ({
      zone_id: capacity.zone_id,
      active_tickets: capacity.active_tickets,
      max_tickets: capacity.max_tickets,
      is_blocked: capacity.is_blocked,
      waiting: capacity.waiting,
      overdue: capacity.overdue,
    }),
    zoneLimit: (full: ZoneFull) => ({
      zone_id: full.zone_id,
      active_tickets: full.active_tickets,
      max_tickets: full.max_tickets,
      waiting: full.waiting,
      tickets: full.tickets.map((t) => ({ ...t, created_at: calendar.format(t.created_at) })),
    }),
    queued,
    queuePage: (page: Page<QueuePlace>) => ({ queue: page.items.map(queued), next_cursor: page.next_cursor }),
    affectedAdded: (outcome: AffectedOutcome) => ({
      affected: affected(outcome.affected),
      affected_count: outcome.ticket.affected_count,
    }),
    affectedPage: (ticketId: number) => (page: Page<AffectedCustomer>) => ({
      ticket_id: ticketId,
      affected: page.items.map(affected),
      next_cursor: page.next_cursor,
    }),
    zoneCapacityPage: (page: Page<ZoneCapacity>) => ({ zones: page.items, next_cursor: page.next_cursor }),
    zoneBlocked: (capacity: ZoneCapacity) => ({
      is_blocked: capacity.is_blocked,
      max_tickets: capacity.max_tickets,
    }),
    syncReport: (report: SyncReport) => ({
      wisphub: {
        enabled: report.wisphub.enabled,
        status_pull: jobRun(report.wisphub.status_pull),
        reference_pull: jobRun(report.wisphub.reference_pull),
        deliveries: deliveryStats(report.wisphub.deliveries),
      },
      webhooks: {
        endpoints: report.webhooks.endpoints,
        deliveries: deliveryStats(report.webhooks.deliveries),
      },
    }),
    statuses: (statuses: readonly StatusMeaning[]) => ({ statuses }),
    subjects: (catalogue: SubjectCatalogue) => ({
      all: catalogue.all,
      by_priority: {
        low: catalogue.byPriority[1],
        normal: catalogue.byPriority[2],
        high: catalogue.byPriority[3],
        very_high: catalogue.byPriority[4],
      },
    }),
  };
}

export type Views = ReturnType<typeof createViews>;
