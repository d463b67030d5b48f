import { err, ok, type Result } from 'neverthrow';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import type { CapacityRule } from './capacity.js';
import {
  announce,
  type DeliverySettings,
  type DeliveryStats,
  type RemoteFailure,
  withAnnouncements,
} from './delivery.js';
import type { Clock, ConnectorStore, DirectoryUpdate, JobRun, TicketStore, UpdateDecision } from './ports.js';
import { DEFAULT_DONE_STATUSES } from './statuses.js';
import type { SubjectCatalogue } from './subjects.js';
import type { NewTicket, Priority, Service, Technician, Ticket } from './ticket.js';
import { applyWispHubStatus, createdEvent, markDelivered, WISPHUB_ACTOR } from './ticket-changes.js';
import { changeDecision } from './tickets.js';
import { admittingRule } from './waiting-line.js';
import { referencedTicketId, type WispHub, type WispHubClient, type WispHubTicket } from './wisphub.js';

export interface WispHubSyncDeps {
  readonly store: TicketStore & ConnectorStore;
  readonly wisphub: WispHub;
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly subjects: SubjectCatalogue;
  readonly capacity: CapacityRule;
  readonly resolutionDays: number;
  readonly deliveries: DeliverySettings;
  /** The status tickets are created with in WispHub (WISPHUB_NEW_STATUS). */
  readonly newStatus: Ticket['status'];
  /** Statuses in which a ticket's work is done (DONE_TICKET_STATES); 3 and 4 by default. */
  readonly doneStatuses?: readonly Ticket['status'][];
}

/** What a pull of WispHub's clients did. */
export interface ReferencePull {
  readonly pages: number;
  readonly clients: number;
  readonly zones: number;
  readonly technicians: number;
  readonly services: number;
  /** Clients without a zone, which cannot be a service here. */
  readonly without_zone: number;
  /** Client records WispHub answered that could not be read. */
  readonly unreadable: number;
}

/** What a pull of WispHub's ticket states did. */
export interface StatusPull {
  /** Tickets read from WispHub. */
  readonly checked: number;
  /** Tickets here whose status WispHub changed. */
  readonly updated: number;
  /** Tickets opened in WispHub directly, brought in. */
  readonly imported: number;
  /** Tickets of ours found in WispHub before their delivery had recorded it. */
  readonly adopted: number;
  /** WispHub tickets without a service or zone, which count against no zone. */
  readonly skipped: number;
}

/** The periodic jobs, by name, shared by every instance through the store. */
export const WISPHUB_JOBS = { statuses: 'wisphub.statuses', references: 'wisphub.references' } as const;

/** Reading from WispHub, and bringing what it says here. */
export interface WispHubSync {
  /** Reads every client page and merges zones, technicians and services; `onPage` after each page. */
  pullReferences(
    onPage?: (progress: { readonly clients: number; readonly count: number }) => void,
  ): Promise<Result<ReferencePull, RemoteFailure>>;
  /**
   * Reads the state of WispHub's active tickets, and of ours that WispHub holds and are active
   * here, and applies WispHub's changes; brings in active tickets opened in WispHub directly.
   */
  pullStatuses(): Promise<Result<StatusPull, RemoteFailure>>;
}

const PAGE = 500;

function directoryOf(clients: readonly WispHubClient[]): DirectoryUpdate & { readonly withoutZone: number } {
  const zones = new Map<number, { zone_id: number; name: string }>();
  const technicians = new Map<number, Technician>();
  const services: Service[] = [];
  let withoutZone = 0;
  for (const client of clients) {
    if (client.technician !== null) {
      technicians.set(client.technician.technician_id, { ...client.technician, active: true });
    }
    if (client.zone === null) {
      withoutZone += 1;
      continue;
    }
    zones.set(client.zone.zone_id, client.zone);
    services.push({
      service_id: client.service_id,
      zone_id: client.zone.zone_id,
      customer_name: client.customer_name,
    });
  }
  return { zones: [...zones.values()], technicians: [...technicians.values()], services, withoutZone };
}

export function createWispHubSync(deps: WispHubSyncDeps): WispHubSync {
  const { store, wisphub, clock, calendar, subjects, capacity, resolutionDays, deliveries, newStatus } = deps;
  const done = new Set(deps.doneStatuses ?? DEFAULT_DONE_STATUSES);
  const isDone = (status: Ticket['status']) => done.has(status);
  // A ticket WispHub resolves frees a slot: the zone's oldest waiting request is admitted then.
  const rule = admittingRule(capacity, { clock, calendar, resolutionDays, deliveries });

  /** Applies the status WispHub reports for one of our tickets, when WispHub changed it. */
  async function apply(ticket: Ticket, reported: WispHubTicket['status']): Promise<boolean> {
    if (ticket.wisphub_status === reported) return false;
    const now = clock.now();
    // WispHub is the record: its state applies even when a reopen there fills the zone here.
    const result = await store.updateTicket(ticket.ticket_id, rule, (context) =>
      ok<UpdateDecision, never>(
        changeDecision(context, applyWispHubStatus(context.ticket, reported, now), {
          deliveries,
          isDone,
          at: now,
          actor: WISPHUB_ACTOR,
        }),
      ),
    );
    return result.isOk() && result.value.status !== ticket.status;
  }

  /** Records the WispHub id of one of our tickets found in WispHub before its delivery said so. */
  async function adopt(ticket: Ticket, remote: WispHubTicket): Promise<void> {
    const now = clock.now();
    await store.updateTicket(ticket.ticket_id, rule, (context) =>
      ok<UpdateDecision, never>(
        context.ticket.wisphub_ticket_id === null
          ? withAnnouncements(
              deliveries,
              markDelivered(context.ticket, remote.wisphub_ticket_id, newStatus, now),
            )
          : { ticket: context.ticket, events: [], outbox: [] },
      ),
    );
  }

  /** Brings in a ticket opened in WispHub directly, so it counts against its zone. */
  async function bringIn(remote: WispHubTicket): Promise<boolean> {
    const service = remote.service;
    const zone = service?.zone ?? null;
    if (service === null || zone === null) return false;
    const technician = remote.technician;
    await store.mergeDirectory({
      zones: [zone],
      technicians: technician === null ? [] : [{ ...technician, active: true }],
      services: [
        { service_id: service.service_id, zone_id: zone.zone_id, customer_name: service.customer_name },
      ],
    });
    const now = clock.now();
    const created = remote.created_at ?? now;
    const subject = remote.subject ?? 'Ticket de WispHub';
    const priority: Priority = remote.priority ?? subjects.priorityOf(subject) ?? 2;
    const ticket: NewTicket = {
      service_id: service.service_id,
      zone_id: zone.zone_id,
      technician_id: technician?.technician_id ?? null,
      subject,
      priority,
      description: remote.description,
      status: remote.status,
      created_at: created,
      end_date: remote.end_date ?? calendar.addBusinessDays(created, resolutionDays),
      answer_text: null,
      updated_at: now,
      source: 'wisphub',
      wisphub_ticket_id: remote.wisphub_ticket_id,
      wisphub_sync: 'delivered',
      wisphub_status: remote.status,
      version: 1,
      affected_count: 0,
    };
    const events = [{ ...createdEvent(ticket, WISPHUB_ACTOR), at: now }];
    const result = await store.createTicket(
      {
        service_id: ticket.service_id,
        technician_id: ticket.technician_id,
        zone_id: ticket.zone_id,
        wisphub_ticket_id: remote.wisphub_ticket_id,
      },
      rule,
      // Counted however full the zone is: WispHub already holds it.
      (context) =>
        ok(
          context.existing !== undefined
            ? { kind: 'replay' as const, ticket: context.existing }
            : { kind: 'insert' as const, ticket, events, outbox: announce(deliveries, events) },
        ),
    );
    return result.isOk() && !result.value.replayed;
  }

  return {
    async pullReferences(onPage) {
      let pages = 0;
      let clients = 0;
      let withoutZone = 0;
      let unreadable = 0;
      const zones = new Set<number>();
      const technicians = new Set<number>();
      let services = 0;
      for await (const page of wisphub.clientPages()) {
        if (page.isErr()) return err(page.error);
        const update = directoryOf(page.value.clients);
        await store.mergeDirectory(update);
        pages += 1;
        clients += page.value.clients.length;
        withoutZone += update.withoutZone;
        unreadable += page.value.skipped;
        services += update.services.length;
        for (const zone of update.zones) zones.add(zone.zone_id);
        for (const technician of update.technicians) technicians.add(technician.technician_id);
        onPage?.({ clients, count: page.value.count });
      }
      return ok({
        pages,
        clients,
        zones: zones.size,
        technicians: technicians.size,
        services,
        without_zone: withoutZone,
        unreadable,
      });
    },

    async pullStatuses() {
      const listed = await wisphub.listTickets(capacity.activeStatuses);
      if (listed.isErr()) return err(listed.error);
      const seen = new Set<number>();
      let updated = 0;
      let imported = 0;
      let adopted = 0;
      let skipped = 0;
      for (const remote of listed.value) {
        seen.add(remote.wisphub_ticket_id);
        const ours = await store.findByWispHubId(remote.wisphub_ticket_id);
        if (ours !== undefined) {
          if (await apply(ours, remote.status)) updated += 1;
          continue;
        }
        const referenced = referencedTicketId(remote.description);
        const origin = referenced === undefined ? undefined : await store.getTicket(referenced);
        if (origin !== undefined && origin.source === 'api') {
          // Ours: delivered, but its delivery has not recorded it yet. Never brought in twice.
          if (origin.wisphub_ticket_id === null) {
            await adopt(origin, remote);
            adopted += 1;
          }
          continue;
        }
        if (await bringIn(remote)) imported += 1;
        else if (remote.service?.zone == null) skipped += 1;
      }
      // Ours that WispHub holds, active here or when WispHub last reported, that it no longer lists as active.
      let after: number | undefined;
      for (;;) {
        const page = await store.listWispHubTickets(capacity.activeStatuses, { limit: PAGE, after });
        for (const ticket of page) {
          const id = ticket.wisphub_ticket_id;
          if (id === null || seen.has(id)) continue;
          const remote = await wisphub.getTicket(id);
          if (remote.isErr()) return err(remote.error);
          // Deleted in WispHub: closed there, so closed here.
          if (await apply(ticket, remote.value?.status ?? 4)) updated += 1;
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]?.ticket_id;
      }
      return ok({ checked: listed.value.length, updated, imported, adopted, skipped });
    },
  };
}

/** When a job is run and how long its lease keeps other instances off it. */
export interface JobTiming {
  readonly everyMs: number;
  readonly leaseMs: number;
  /** After a failed run, the next is due this soon (when shorter than `everyMs`). */
  readonly retryMs?: number;
}

/** What `runJob` did: nothing (another instance ran it, or it is not due), or the run's result. */
export type JobResult<T> =
  | { readonly ran: false }
  | { readonly ran: true; readonly result: Result<T, RemoteFailure> };

/**
 * Runs a periodic job when it is due and no other instance is running it, and records its
 * outcome for every instance to read (see ConnectorStore.startJob).
 */
export async function runJob<T>(
  store: ConnectorStore,
  clock: Clock,
  job: { readonly name: string; readonly holder: string; readonly timing: JobTiming },
  work: () => Promise<Result<T, RemoteFailure>>,
): Promise<JobResult<T>> {
  const { everyMs, leaseMs, retryMs = everyMs } = job.timing;
  const last = retryMs < everyMs ? await store.jobRun(job.name) : undefined;
  const due = last?.ok === false ? retryMs : everyMs;
  if (!(await store.startJob(job.name, job.holder, clock.now(), { everyMs: due, leaseMs })))
    return { ran: false };
  let result: Result<T, RemoteFailure>;
  try {
    result = await work();
  } catch (error) {
    await store
      .finishJob(job.name, job.holder, clock.now(), { ok: false, detail: String(error) })
      .catch(() => undefined);
    throw error;
  }
  await store.finishJob(job.name, job.holder, clock.now(), {
    ok: result.isOk(),
    detail: result.match(
      (value) => JSON.stringify(value),
      (failure) =>
        (failure.type === 'refused' ? `WispHub answered ${failure.status}: ` : '') + failure.detail,
    ),
  });
  return { ran: true, result };
}

/** What the API reports of the WispHub connector and the webhooks. */
export interface SyncReport {
  readonly wisphub: {
    readonly enabled: boolean;
    readonly status_pull: JobRun | null;
    readonly reference_pull: JobRun | null;
    readonly deliveries: DeliveryStats;
  };
  readonly webhooks: {
    readonly endpoints: number;
    readonly deliveries: DeliveryStats;
  };
}

/** Reads the connector's state, as every instance recorded it. */
export async function readSyncReport(
  store: ConnectorStore,
  deliveries: DeliverySettings,
): Promise<SyncReport> {
  const [statusPull, referencePull, wisphubStats, webhookStats] = await Promise.all([
    store.jobRun(WISPHUB_JOBS.statuses),
    store.jobRun(WISPHUB_JOBS.references),
    store.deliveryStats('wisphub'),
    store.deliveryStats('webhook'),
  ]);
  return {
    wisphub: {
      enabled: deliveries.wisphub,
      status_pull: statusPull ?? null,
      reference_pull: referencePull ?? null,
      deliveries: wisphubStats,
    },
    webhooks: { endpoints: deliveries.webhooks.length, deliveries: webhookStats },
  };
}
