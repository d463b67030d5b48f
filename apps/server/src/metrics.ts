import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { HttpMetrics } from '@tickets/api';
import {
  type ConnectorStore,
  type DeliveryChannel,
  type DeliveryStats,
  StoreUnavailableError,
  type TicketDesk,
} from '@tickets/domain';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Connections of this process's PostgreSQL pool. */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface MetricsDeps {
  readonly store: ConnectorStore;
  /** The channels the outbox delivers to (gauges of pending and failed deliveries). */
  readonly channels: readonly DeliveryChannel[];
  readonly pool?: (() => PoolStats) | undefined;
  /** Several worker processes (WEB_CONCURRENCY > 1): a scrape answers for all of them. */
  readonly clustered: boolean;
  readonly now: () => number;
}

/** The process's Prometheus registry, and what the server feeds it. */
export interface Metrics extends HttpMetrics {
  /** Counts what each create came to. */
  instrumentDesk(desk: TicketDesk): TicketDesk;
  /** Counts the store's failures by kind. */
  instrumentStore<S extends object>(store: S): S;
}

const SCRAPE_TIMEOUT_MS = 5_000;
const REQUEST = 'tickets:metrics-request';
const REPLY = 'tickets:metrics-reply';

interface ScrapeMessage {
  readonly type: typeof REQUEST | typeof REPLY;
  readonly id: string;
  readonly body?: string;
}

const isScrapeMessage = (message: unknown): message is ScrapeMessage =>
  typeof message === 'object' && message !== null && 'type' in message && 'id' in message;

/**
 * Prometheus metrics (prom-client): requests by route and status with their latency, creates
 * admitted and refused, store failures by kind, the PostgreSQL pool, the outbox, and Node's own
 * (event-loop lag among them). With several workers, a worker asked for /metrics gets every
 * worker's from the primary process (see `serveClusterMetrics`).
 */
export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const created = new Counter({
    name: 'tickets_created_total',
    help: 'Tickets created (retries answered from an idempotency key not counted)',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'tickets_refused_total',
    help: 'Creates refused, by reason (zone_full, unknown_subject, invalid_references, idempotency_key_reused)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'store_errors_total',
    help: 'Store calls that failed: unavailable (answered 503) or other (a defect, answered 500)',
    labelNames: ['kind'],
    registers: [registry],
  });
  if (deps.pool !== undefined) {
    const pool = deps.pool;
    new Gauge({
      name: 'pg_pool_connections',
      help: "This process's PostgreSQL connections: in use, idle, and requests waiting for one",
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = pool();
        this.set({ state: 'in_use' }, stats.total - stats.idle);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }
  if (deps.channels.length > 0) {
    // The database's figures, the same from every worker: aggregated by max, not summed.
    const outboxGauge = (name: string, help: string, value: (stats: DeliveryStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['channel'],
        aggregator: 'max',
        registers: [registry],
        async collect() {
          for (const channel of deps.channels)
            this.set({ channel }, value(await deps.store.deliveryStats(channel)));
        },
      });
    outboxGauge(
      'outbox_pending',
      'Deliveries waiting, by channel (wisphub, webhook)',
      (stats) => stats.pending,
    );
    outboxGauge('outbox_failed', 'Deliveries refused for good, by channel', (stats) => stats.failed);
    outboxGauge(
      'outbox_oldest_pending_age_seconds',
      'Age of the oldest waiting delivery, by channel (0 when none waits)',
      (stats) =>
        stats.oldest_pending_at === null ? 0 : Math.max(0, (deps.now() - stats.oldest_pending_at) / 1000),
    );
  }
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries([registry]);
    // prom-client answers the primary's requests for this worker's metrics once one exists.
    new AggregatorRegistry();
  }

  /** Every worker's metrics, asked of the primary process. */
  const clusterScrape = () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the primary process did not answer for the metrics'));
      }, SCRAPE_TIMEOUT_MS);
      function onMessage(message: unknown) {
        if (!isScrapeMessage(message) || message.type !== REPLY || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        resolve(message.body ?? '');
      }
      process.on('message', onMessage);
      process.send?.({ type: REQUEST, id } satisfies ScrapeMessage);
    });

  // Each method, route pattern and status's counter and histogram, looked up once: prom-client
  // otherwise hashes the labels on every request. (Patterns and statuses are few.)
  const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  return {
    observe({ method, route, status, seconds }) {
      const key = `${method} ${status} ${route}`;
      let one = series.get(key);
      if (one === undefined) {
        const labels = { method, route, status: String(status) };
        const count = requests.labels(labels);
        const timing = latency.labels(labels);
        one = { count: () => count.inc(), time: (s) => timing.observe(s) };
        series.set(key, one);
      }
      one.count();
      one.time(seconds);
    },
    async scrape() {
      const body = deps.clustered && cluster.isWorker ? await clusterScrape() : await registry.metrics();
      return { contentType: registry.contentType, body };
    },
    instrumentDesk(desk) {
      return {
        ...desk,
        async createTicket(input, options) {
          const result = await desk.createTicket(input, options);
          if (result.isErr()) refused.inc({ reason: result.error.type });
          else if (!result.value.replayed) created.inc();
          return result;
        },
      };
    },
    instrumentStore<S extends object>(store: S): S {
      const counted: Record<string, unknown> = {};
      for (const [name, method] of Object.entries(store)) {
        counted[name] =
          typeof method !== 'function'
            ? method
            : (...args: unknown[]) =>
                (method as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
                  storeErrors.inc({ kind: error instanceof StoreUnavailableError ? 'unavailable' : 'other' });
                  throw error;
                });
      }
      return counted as S;
    },
  };
}

/** In the primary process of several workers: answers a worker's request for every worker's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isScrapeMessage(message) || message.type !== REQUEST) return;
    aggregator
      .clusterMetrics()
      .then((body) => worker.send({ type: REPLY, id: message.id, body } satisfies ScrapeMessage))
      .catch((error: unknown) =>
        worker.send({
          type: REPLY,
          id: message.id,
          body: `# the workers' metrics could not be gathered: ${String(error)}\n`,
        } satisfies ScrapeMessage),
      );
  });
}
