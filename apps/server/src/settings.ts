import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createWispHubClient } from '@tickets/connectors';
import {
  type BusinessCalendar,
  type ConnectorStore,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  createWispHubSync,
  type DeliverySettings,
  defaultSubjects,
  type SubjectCatalogue,
  subjectGroupsSchema,
  type TicketDesk,
  type TicketStore,
  type TicketsDeps,
  type WispHub,
  type WispHubSync,
} from '@tickets/domain';
import { err, type Result } from 'neverthrow';
import { systemClock } from './clock.js';
import type { Config, WispHubSettings } from './config.js';

// The desk's settings that the configuration names, shared by the server and the `tickets` CLI.
// Errors are one line naming the variable, meant to be printed as is.

/** The subject catalogue: SUBJECTS_FILE, or the default subjects. */
export function loadSubjects(config: Config): Result<SubjectCatalogue, string> {
  const file = config.subjectsFile;
  let groups: unknown = defaultSubjects;
  if (file !== undefined) {
    try {
      groups = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return err(`SUBJECTS_FILE cannot be read as JSON: ${(error as Error).message}`);
    }
  }
  const parsed = subjectGroupsSchema.safeParse(groups);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(
      `SUBJECTS_FILE must be {"1": [...], "2": [...], "3": [...], "4": [...]}: ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  return createSubjectCatalogue(parsed.data).mapErr((e) =>
    e.type === 'empty_catalogue'
      ? 'SUBJECTS_FILE lists no subject'
      : `SUBJECTS_FILE lists "${e.subject}" more than once`,
  );
}

/** Where tickets and their events go besides the store: WispHub (WISPHUB_URL) and webhooks (WEBHOOK_URLS). */
export const deliverySettings = (config: Config): DeliverySettings => ({
  wisphub: config.wisphub !== undefined,
  webhooks: config.webhooks?.urls ?? [],
});

/** The zone rule the configuration sets. */
export const capacityRule = (config: Config) =>
  createCapacityRule({
    maxActiveTicketsPerZone: config.maxActiveTicketsPerZone,
    activeStatuses: config.activeTicketStates,
  });

/**
 * What opening and changing tickets needs, for the desk and the WispHub pulls alike: a store, the
 * system clock, and the calendar, catalogue, zone rule and deliveries the configuration sets.
 */
function ticketsDeps<S extends TicketStore>(
  config: Config,
  store: S,
  calendar: BusinessCalendar,
  subjects: SubjectCatalogue,
) {
  return {
    store,
    clock: systemClock,
    calendar,
    subjects,
    capacity: capacityRule(config),
    resolutionDays: config.resolutionDays,
    deliveries: deliverySettings(config),
  } satisfies TicketsDeps;
}

/** The use cases over a store, with the calendar, catalogue and zone rule the configuration sets. */
export function createDesk(
  config: Config,
  store: TicketStore,
  calendar: BusinessCalendar,
  subjects: SubjectCatalogue,
  onDeliveries?: () => void,
): TicketDesk {
  return createTicketDesk({
    ...ticketsDeps(config, store, calendar, subjects),
    onDeliveries,
    doneStatuses: config.doneTicketStates,
  });
}

/** This process, unique among every instance's: who holds a delivery's or a pull's lease. */
export const processHolder = (prefix = ''): string =>
  `${prefix}${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** WispHub's API (WISPHUB_URL) and the pulls of its clients and ticket states, over a store. */
export function wisphubFor(
  config: Config,
  settings: WispHubSettings,
  store: TicketStore & ConnectorStore,
  calendar: BusinessCalendar,
  subjects: SubjectCatalogue,
): { readonly wisphub: WispHub; readonly sync: WispHubSync } {
  const wisphub = createWispHubClient({
    url: settings.url,
    apiKey: settings.apiKey,
    calendar,
    newStatus: settings.newStatus,
    department: settings.department,
    timeoutMs: settings.timeoutSeconds * 1000,
  });
  const sync = createWispHubSync({
    ...ticketsDeps(config, store, calendar, subjects),
    wisphub,
    newStatus: settings.newStatus,
  });
  return { wisphub, sync };
}
