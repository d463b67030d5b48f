import type { ApiKey } from '@tickets/api';
import { INITIAL_STATUS, parseIsoDate, type TicketStatus } from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';

/** Where tickets are kept, from DATABASE_URL. */
export type DatabaseSetting =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** The WispHub connector's settings (WISPHUB_*); undefined when WISPHUB_URL is unset. */
export interface WispHubSettings {
  readonly url: string;
  /** Never logged. */
  readonly apiKey: string;
  readonly syncSeconds: number;
  readonly referenceSyncSeconds: number;
  readonly department: string;
  readonly newStatus: TicketStatus;
  readonly timeoutSeconds: number;
}

/** Outgoing webhooks (WEBHOOK_URLS, WEBHOOK_SECRET); undefined when WEBHOOK_URLS is unset. */
export interface WebhookSettings {
  readonly urls: readonly string[];
  /** Never logged. */
  readonly secret: string;
}

/** The server's settings, read from the environment once at start-up. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseSetting;
  /** DATABASE_URL with any password masked, for logs. */
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** How long a write waits for another process's lock on the SQLite file before answering 503. */
  readonly sqliteBusyTimeoutMs: number;
  /** Worker processes sharing the port (WEB_CONCURRENCY). */
  readonly webConcurrency: number;
  readonly maxActiveTicketsPerZone: number;
  readonly activeTicketStates: readonly TicketStatus[];
  /** Statuses in which a ticket's work is finished: no resolution date left to meet. */
  readonly doneTicketStates: readonly TicketStatus[];
  readonly resolutionDays: number;
  readonly businessTimeZone: string;
  readonly businessWeekdays: readonly number[];
  readonly holidayCountry: string;
  readonly extraHolidays: readonly string[];
  readonly removedHolidays: readonly string[];
  readonly subjectsFile: string | undefined;
  /** API_KEYS; empty means the API is open. */
  readonly apiKeys: readonly ApiKey[];
  readonly corsOrigins: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly wisphub: WispHubSettings | undefined;
  readonly webhooks: WebhookSettings | undefined;
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(min, { error: `must be from ${min} to ${max}` })
        .max(max, { error: `must be from ${min} to ${max}` }),
    );

const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

const integerList = (min: number, max: number) =>
  z.string().transform((value, ctx) => {
    const items = list(value);
    const numbers = items.map(Number);
    if (items.some((item) => !/^\d+$/.test(item)) || numbers.some((n) => n < min || n > max)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be comma-separated whole numbers from ${min} to ${max}`,
      });
      return z.NEVER;
    }
    return [...new Set(numbers)];
  });

const dateList = z.string().transform((value, ctx) => {
  const dates = list(value);
  const bad = dates.find((date) => parseIsoDate(date) === undefined);
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated YYYY-MM-DD dates; "${bad}" is not one`,
    });
    return z.NEVER;
  }
  return dates;
});

const databaseUrl = z.string().transform((url, ctx): DatabaseSetting => {
  if (url.trim() === 'memory:') return { kind: 'memory' };
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) {
    return { kind: 'sqlite', path: url.slice('sqlite:'.length) };
  }
  if (/^postgres(ql)?:\/\/./.test(url) && URL.canParse(url)) return { kind: 'postgres', url };
  ctx.addIssue({
    code: 'custom',
    message:
      'must be sqlite:<path> (e.g. sqlite:./data/tickets.db), postgres://user@host:5432/database, or memory:',
  });
  return z.NEVER;
});

const apiKeys = z.string().transform((value, ctx): ApiKey[] => {
  const keys: ApiKey[] = [];
  for (const entry of list(value)) {
    const [name = '', key = '', scope = '', ...rest] = entry.split(':');
    const problem =
      rest.length > 0 || scope === ''
        ? 'must be comma-separated name:key:scope entries'
        : !/^[\w.-]{1,64}$/.test(name)
          ? `has a name "${name}" that is not 1 to 64 letters, digits, '.', '_' or '-'`
          : key.length < 16 || /\s/.test(key)
            ? `has a key for "${name}" shorter than 16 characters or with spaces`
            : scope !== 'tickets' && scope !== 'admin'
              ? `has scope "${scope}" for "${name}"; scopes are tickets and admin`
              : keys.some((k) => k.name === name)
                ? `names "${name}" twice`
                : keys.some((k) => k.key === key)
                  ? 'gives the same key twice'
                  : undefined;
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    keys.push({ name, key, scope: scope as ApiKey['scope'] });
  }
  return keys;
});

const origins = z.string().transform((value, ctx) => {
  const items = list(value);
  // Any origin, for deployments whose callers send no browser credentials (keys in headers only).
  if (items.length === 1 && items[0] === '*') return items;
  const bad = items.find((origin) => !URL.canParse(origin) || new URL(origin).origin !== origin);
  if (bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated origins like https://console.example.com; "${bad}" is not one`,
    });
    return z.NEVER;
  }
  return items;
});

const httpUrl = (value: string) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
  );
};

const wisphubUrl = z
  .string()
  .trim()
  .refine(httpUrl, { error: 'must be an http(s) address, e.g. https://api.wisphub.app' })
  .transform((value) => value.replace(/\/+$/, ''));

const webhookUrls = z.string().transform((value, ctx) => {
  const items = list(value);
  const bad = items.find((url) => !httpUrl(url));
  if (bad !== undefined || items.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated http(s) addresses${bad === undefined ? '' : `; "${bad}" is not one`}`,
    });
    return z.NEVER;
  }
  return [...new Set(items)];
});

/** A secret: 16 characters or more, no spaces. */
const secret = z.string().refine((value) => value.length >= 16 && !/\s/.test(value), {
  error: 'must be 16 characters or more, without spaces',
});

const environmentSchema = z.object({
  PORT: integer(0, 65_535).default(3000),
  HOST: z.string().trim().min(1, { error: 'must not be blank' }).default('0.0.0.0'),
  DATABASE_URL: z.string().default('sqlite:./data/tickets.db'),
  DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  SQLITE_BUSY_TIMEOUT_MS: integer(100, 60_000).default(5000),
  WEB_CONCURRENCY: integer(1, 256).default(1),
  MAX_ACTIVE_TICKETS_PER_ZONE: integer(1, 1_000_000).default(3),
  ACTIVE_TICKET_STATES: integerList(1, 4).default([1]),
  DONE_TICKET_STATES: integerList(1, 4).default([3, 4]),
  MAX_TICKET_RESOLUTION_DAYS: integer(1, 1_000_000).default(3),
  BUSINESS_TIME_ZONE: z.string().trim().min(1, { error: 'must not be blank' }).default('America/Bogota'),
  BUSINESS_WEEKDAYS: integerList(1, 7).default([1, 2, 3, 4, 5]),
  HOLIDAY_COUNTRY: z.string().trim().min(1, { error: 'must not be blank' }).default('CO'),
  EXTRA_HOLIDAYS: dateList.default([]),
  REMOVED_HOLIDAYS: dateList.default([]),
  SUBJECTS_FILE: z.string().trim().min(1, { error: 'must not be blank' }).optional(),
  API_KEYS: apiKeys.default([]),
  CORS_ORIGINS: origins.default([]),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent'], {
      error: 'must be fatal, error, warn, info, debug or silent',
    })
    .default('info'),
  WISPHUB_URL: wisphubUrl.optional(),
  WISPHUB_API_KEY: z.string().trim().min(1, { error: 'must not be blank' }).optional(),
  WISPHUB_SYNC_SECONDS: integer(1, 86_400).default(60),
  WISPHUB_REFERENCE_SYNC_SECONDS: integer(1, 604_800).default(900),
  WISPHUB_DEPARTMENT: z.string().trim().min(1, { error: 'must not be blank' }).default('Soporte Técnico'),
  WISPHUB_NEW_STATUS: integer(1, 4).default(1),
  WISPHUB_TIMEOUT_SECONDS: integer(1, 120).default(10),
  WEBHOOK_URLS: webhookUrls.optional(),
  WEBHOOK_SECRET: secret.optional(),
});

// Their values are never repeated back in an error.
const SECRETS = new Set(['API_KEYS', 'WISPHUB_API_KEY', 'WEBHOOK_SECRET']);

/** A database URL fit for logs: the password, if any, replaced by ***. */
function masked(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString();
}

/**
 * Reads the configuration from environment variables (unset ones take their default). The error
 * is one line naming the variable, meant to be printed as is.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Result<Config, string> {
  const given: Record<string, string | undefined> = { ...env };
  const parsed = environmentSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const value = SECRETS.has(name) ? undefined : given[name];
    return err(`${name} ${issue?.message ?? 'is invalid'}${value === undefined ? '' : ` (got "${value}")`}`);
  }
  const e = parsed.data;
  const database = databaseUrl.safeParse(e.DATABASE_URL);
  if (!database.success) {
    return err(`DATABASE_URL ${database.error.issues[0]?.message} (got "${masked(e.DATABASE_URL)}")`);
  }
  if (database.data.kind === 'memory' && e.WEB_CONCURRENCY > 1) {
    return err(
      `WEB_CONCURRENCY must be 1 with DATABASE_URL=memory: (each worker would hold its own tickets and zone counts); use sqlite: or postgres:`,
    );
  }
  if (e.DONE_TICKET_STATES.includes(INITIAL_STATUS)) {
    return err(
      `DONE_TICKET_STATES must not include ${INITIAL_STATUS}, the status every ticket is opened with (got "${given.DONE_TICKET_STATES}")`,
    );
  }
  const activeAndDone = e.DONE_TICKET_STATES.filter((status) => e.ACTIVE_TICKET_STATES.includes(status));
  if (activeAndDone.length > 0) {
    return err(
      `DONE_TICKET_STATES and ACTIVE_TICKET_STATES share ${activeAndDone.join(', ')}: a ticket whose work is done cannot count against its zone`,
    );
  }
  if (e.WISPHUB_URL !== undefined && e.WISPHUB_API_KEY === undefined) {
    return err('WISPHUB_API_KEY must be set with WISPHUB_URL (the key WispHub gives under Ajustes > API)');
  }
  if (e.WEBHOOK_URLS !== undefined && e.WEBHOOK_SECRET === undefined) {
    return err(
      'WEBHOOK_SECRET must be set with WEBHOOK_URLS (16 characters or more): it signs every webhook',
    );
  }
  return ok({
    port: e.PORT,
    host: e.HOST,
    database: database.data,
    databaseUrl: masked(e.DATABASE_URL),
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sqliteBusyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS,
    webConcurrency: e.WEB_CONCURRENCY,
    maxActiveTicketsPerZone: e.MAX_ACTIVE_TICKETS_PER_ZONE,
    activeTicketStates: e.ACTIVE_TICKET_STATES as TicketStatus[],
    doneTicketStates: e.DONE_TICKET_STATES as TicketStatus[],
    resolutionDays: e.MAX_TICKET_RESOLUTION_DAYS,
    businessTimeZone: e.BUSINESS_TIME_ZONE,
    businessWeekdays: e.BUSINESS_WEEKDAYS,
    holidayCountry: e.HOLIDAY_COUNTRY,
    extraHolidays: e.EXTRA_HOLIDAYS,
    removedHolidays: e.REMOVED_HOLIDAYS,
    subjectsFile: e.SUBJECTS_FILE,
    apiKeys: e.API_KEYS,
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    wisphub:
      e.WISPHUB_URL === undefined || e.WISPHUB_API_KEY === undefined
        ? undefined
        : {
            url: e.WISPHUB_URL,
            apiKey: e.WISPHUB_API_KEY,
            syncSeconds: e.WISPHUB_SYNC_SECONDS,
            referenceSyncSeconds: e.WISPHUB_REFERENCE_SYNC_SECONDS,
            department: e.WISPHUB_DEPARTMENT,
            newStatus: e.WISPHUB_NEW_STATUS as TicketStatus,
            timeoutSeconds: e.WISPHUB_TIMEOUT_SECONDS,
          },
    webhooks:
      e.WEBHOOK_URLS === undefined || e.WEBHOOK_SECRET === undefined
        ? undefined
        : { urls: e.WEBHOOK_URLS, secret: e.WEBHOOK_SECRET },
  });
}
