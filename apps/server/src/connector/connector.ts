import { createViews } from '@tickets/api';
import { createWebhookSender } from '@tickets/connectors';
import {
  type AttemptReport,
  type BusinessCalendar,
  type Clock,
  type ConnectorStore,
  createDeliveryWorker,
  type DeliveryChannel,
  type DeliveryWorker,
  type RemoteFailure,
  runJob,
  type SubjectCatalogue,
  type TicketStore,
  WISPHUB_JOBS,
} from '@tickets/domain';
import type { Result } from 'neverthrow';
import type { Config } from '../config.js';
import { capacityRule, deliverySettings, wisphubFor } from '../settings.js';
import { type Next, type Repeater, repeat } from './repeat.js';

/** The part of a pino logger the connector uses. */
export interface ConnectorLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ConnectorDeps {
  readonly config: Config;
  readonly store: TicketStore & ConnectorStore;
  readonly calendar: BusinessCalendar;
  readonly subjects: SubjectCatalogue;
  readonly clock: Clock;
  readonly logger: ConnectorLogger;
  /** This process, unique among every instance's. */
  readonly holder: string;
  readonly random?: () => number;
}

/** The connector's background work: deliveries, and WispHub's pulls. */
export interface Connector {
  /** Something was written that may have a delivery to make: make it now. */
  kick(): void;
  stop(): Promise<void>;
}

// How often an idle delivery loop looks for work another instance recorded, or a retry now due.
const IDLE_MS = 1_000;
// The longest a channel waits between probes while the other side is down.
const MAX_CHANNEL_PAUSE_MS = 30_000;
const WEBHOOK_TIMEOUT_MS = 10_000;

const detailOf = (failure: RemoteFailure) =>
  failure.type === 'refused' ? `answered ${failure.status}: ${failure.detail}` : failure.detail;

/**
 * Starts what the configuration turns on: delivering tickets to WispHub and pulling its clients
 * and ticket states (WISPHUB_URL), and announcing ticket events to webhooks (WEBHOOK_URLS).
 * Every instance runs it; leases in the store keep each delivery and each pull to one of them.
 */
export function startConnector(deps: ConnectorDeps): Connector {
  const { config, store, calendar, subjects, clock, logger, holder } = deps;
  const deliveries = deliverySettings(config);
  const capacity = capacityRule(config);
  const repeaters: Repeater[] = [];
  const deliveryLoops: Repeater[] = [];
  const onError = (what: string) => (error: unknown) => logger.error({ err: error }, `${what} failed`);

  const wisphubSettings = config.wisphub;
  const connected =
    wisphubSettings === undefined
      ? undefined
      : wisphubFor(config, wisphubSettings, store, calendar, subjects);
  const wisphub = connected?.wisphub;
  const views = createViews(calendar, clock);
  const webhooks =
    config.webhooks === undefined
      ? undefined
      : createWebhookSender({
          secret: config.webhooks.secret,
          clock,
          timeoutMs: WEBHOOK_TIMEOUT_MS,
          render: views.ticket,
        });
  const timeoutMs = Math.max(
    (wisphubSettings?.timeoutSeconds ?? 0) * 1000,
    webhooks === undefined ? 0 : WEBHOOK_TIMEOUT_MS,
  );
  const report = (attempt: AttemptReport) => {
    const line = attempt.channel === 'wisphub' ? 'wisphub delivery' : 'webhook delivery';
    if (attempt.outcome === 'failed') logger.warn(attempt, `${line} refused`);
    else logger.info(attempt, `${line} ${attempt.outcome}`);
  };
  const worker: DeliveryWorker = createDeliveryWorker({
    store,
    clock,
    random: deps.random ?? Math.random,
    holder,
    capacity,
    deliveries,
    wisphub,
    webhooks,
    wisphubNewStatus: wisphubSettings?.newStatus ?? 1,
    // Longer than one attempt (a request, or a lookup of a service's tickets) can take.
    leaseMs: timeoutMs + 5_000,
    onAttempt: report,
  });

  /** A channel's loop: batches while there is work, a probe at growing intervals while the other side is down. */
  const deliveryLoop = (channel: DeliveryChannel, endpoint?: string) => {
    let failures = 0;
    return repeat(
      async (): Promise<Next> => {
        const batch = await worker.deliverDue(channel, endpoint);
        if (batch.unavailable !== null && batch.delivered === 0) {
          failures += 1;
          const asked =
            batch.unavailable.type === 'unavailable' ? (batch.unavailable.retry_after_ms ?? 0) : 0;
          const ms = Math.max(asked, Math.min(MAX_CHANNEL_PAUSE_MS, 1_000 * 2 ** Math.min(failures - 1, 10)));
          logger.warn(
            { channel, endpoint, detail: detailOf(batch.unavailable), pause_ms: ms },
            `${channel} unreachable`,
          );
          return { kind: 'pause', ms };
        }
        failures = 0;
        return batch.claimed > 0 ? { kind: 'now' } : { kind: 'idle' };
      },
      { idleMs: IDLE_MS, maxPauseMs: MAX_CHANNEL_PAUSE_MS, onError: onError(`${channel} delivery`) },
    );
  };

  /** A periodic job, run by whichever instance takes it once it is due. */
  const jobLoop = <T>(name: string, everySeconds: number, work: () => Promise<Result<T, RemoteFailure>>) =>
    repeat(
      async (): Promise<Next> => {
        const run = await runJob(
          store,
          clock,
          // The lease outlasts a slow pull; a holder that died leaves it to run out.
          {
            name,
            holder,
            timing: { everyMs: everySeconds * 1000, leaseMs: Math.max(120_000, everySeconds * 1000) },
          },
          work,
        );
        if (run.ran) {
          run.result.match(
            (counts) => logger.info({ job: name, ...counts }, `${name} done`),
            (failure) => logger.warn({ job: name, detail: detailOf(failure) }, `${name} failed`),
          );
        }
        return { kind: 'idle' };
      },
      // Every instance looks often; the store lets one run per interval.
      { idleMs: Math.min(everySeconds, 5) * 1000, maxPauseMs: 30_000, onError: onError(name) },
    );

  if (connected !== undefined && wisphubSettings !== undefined) {
    const { sync } = connected;
    deliveryLoops.push(deliveryLoop('wisphub'));
    repeaters.push(
      jobLoop(WISPHUB_JOBS.references, wisphubSettings.referenceSyncSeconds, () => sync.pullReferences()),
    );
    repeaters.push(jobLoop(WISPHUB_JOBS.statuses, wisphubSettings.syncSeconds, () => sync.pullStatuses()));
  }
  for (const endpoint of deliveries.webhooks) deliveryLoops.push(deliveryLoop('webhook', endpoint));

  return {
    kick() {
      for (const loop of deliveryLoops) loop.kick();
    },
    async stop() {
      await Promise.all([...deliveryLoops, ...repeaters].map((repeater) => repeater.stop()));
    },
  };
}
