import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('takes the documented defaults when nothing is set', () => {
    expect(loadConfig({})._unsafeUnwrap()).toEqual({
      port: 3000,
      host: '0.0.0.0',
      database: { kind: 'sqlite', path: './data/tickets.db' },
      databaseUrl: 'sqlite:./data/tickets.db',
      databasePoolSize: 10,
      sqliteBusyTimeoutMs: 5000,
      webConcurrency: 1,
      maxActiveTicketsPerZone: 3,
      activeTicketStates: [1],
      doneTicketStates: [3, 4],
      resolutionDays: 3,
      businessTimeZone: 'America/Bogota',
      businessWeekdays: [1, 2, 3, 4, 5],
      holidayCountry: 'CO',
      extraHolidays: [],
      removedHolidays: [],
      subjectsFile: undefined,
      apiKeys: [],
      corsOrigins: [],
      logLevel: 'info',
      wisphub: undefined,
      webhooks: undefined,
    });
  });

  it('turns the WispHub connector and webhooks on with their addresses and secrets', () => {
    const config = loadConfig({
      WISPHUB_URL: 'https://api.wisphub.app/',
      WISPHUB_API_KEY: 'abc.def',
      WISPHUB_SYNC_SECONDS: '1',
      WISPHUB_REFERENCE_SYNC_SECONDS: '30',
      WISPHUB_DEPARTMENT: 'Campo',
      WISPHUB_NEW_STATUS: '2',
      WISPHUB_TIMEOUT_SECONDS: '4',
      WEBHOOK_URLS: 'https://bot.example.com/hooks, http://127.0.0.1:9000/x',
      WEBHOOK_SECRET: 'whsec-0123456789abcdef',
    })._unsafeUnwrap();
    expect(config.wisphub).toEqual({
      url: 'https://api.wisphub.app',
      apiKey: 'abc.def',
      syncSeconds: 1,
      referenceSyncSeconds: 30,
      department: 'Campo',
      newStatus: 2,
      timeoutSeconds: 4,
    });
    expect(config.webhooks).toEqual({
      urls: ['https://bot.example.com/hooks', 'http://127.0.0.1:9000/x'],
      secret: 'whsec-0123456789abcdef',
    });
    expect(loadConfig({ WISPHUB_URL: 'https://x.example' })._unsafeUnwrapErr()).toMatch(
      /^WISPHUB_API_KEY must be set with WISPHUB_URL/,
    );
  });

  it.each([
    [
      { WISPHUB_URL: 'ftp://x' },
      'WISPHUB_URL must be an http(s) address, e.g. https://api.wisphub.app (got "ftp://x")',
    ],
    [{ WISPHUB_NEW_STATUS: '5' }, 'WISPHUB_NEW_STATUS must be from 1 to 4 (got "5")'],
    [{ WISPHUB_SYNC_SECONDS: '0' }, 'WISPHUB_SYNC_SECONDS must be from 1 to 86400 (got "0")'],
    [
      { WEBHOOK_URLS: 'https://a.example,nope' },
      'WEBHOOK_URLS must be comma-separated http(s) addresses; "nope" is not one (got "https://a.example,nope")',
    ],
    [
      { WEBHOOK_URLS: 'https://a.example' },
      'WEBHOOK_SECRET must be set with WEBHOOK_URLS (16 characters or more): it signs every webhook',
    ],
    [{ WEBHOOK_SECRET: 'short secret' }, 'WEBHOOK_SECRET must be 16 characters or more, without spaces'],
    [{ WISPHUB_API_KEY: ' ' }, 'WISPHUB_API_KEY must not be blank'],
  ])('refuses %o with one line that names the variable, and never repeats a secret', (env, line) => {
    expect(loadConfig(env)._unsafeUnwrapErr()).toBe(line);
  });

  it('takes * as CORS_ORIGINS, for any origin', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' })._unsafeUnwrap().corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: '*,https://a.example' })._unsafeUnwrapErr()).toMatch(
      /^CORS_ORIGINS must be/,
    );
  });

  it('reads API keys, CORS origins and the log level', () => {
    const config = loadConfig({
      API_KEYS: 'crm:0123456789abcdef0123:tickets, ops:fedcba9876543210fedc:admin',
      CORS_ORIGINS: 'https://console.example.com,http://localhost:5173',
      LOG_LEVEL: 'warn',
    })._unsafeUnwrap();
    expect(config.apiKeys).toEqual([
      { name: 'crm', key: '0123456789abcdef0123', scope: 'tickets' },
      { name: 'ops', key: 'fedcba9876543210fedc', scope: 'admin' },
    ]);
    expect(config.corsOrigins).toEqual(['https://console.example.com', 'http://localhost:5173']);
    expect(config.logLevel).toBe('warn');
  });

  it.each([
    ['crm:short:tickets', 'API_KEYS has a key for "crm" shorter than 16 characters or with spaces'],
    ['crm:0123456789abcdef0123:root', 'API_KEYS has scope "root" for "crm"; scopes are tickets and admin'],
    ['crm:0123456789abcdef0123', 'API_KEYS must be comma-separated name:key:scope entries'],
    ['a:0123456789abcdef0123:admin,a:0123456789abcdef9999:admin', 'API_KEYS names "a" twice'],
  ])('refuses API_KEYS=%s without repeating the keys', (value, line) => {
    expect(loadConfig({ API_KEYS: value })._unsafeUnwrapErr()).toBe(line);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'memory:',
      MAX_ACTIVE_TICKETS_PER_ZONE: '5',
      ACTIVE_TICKET_STATES: '1, 2',
      DONE_TICKET_STATES: '4',
      MAX_TICKET_RESOLUTION_DAYS: '10',
      BUSINESS_TIME_ZONE: 'America/Santiago',
      BUSINESS_WEEKDAYS: '1,2,3,4,5,6',
      HOLIDAY_COUNTRY: 'CL',
      EXTRA_HOLIDAYS: '2026-04-04',
      REMOVED_HOLIDAYS: '2026-01-01,2026-05-01',
      SUBJECTS_FILE: './subjects.json',
    })._unsafeUnwrap();
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'memory' },
      maxActiveTicketsPerZone: 5,
      activeTicketStates: [1, 2],
      doneTicketStates: [4],
      resolutionDays: 10,
      businessTimeZone: 'America/Santiago',
      businessWeekdays: [1, 2, 3, 4, 5, 6],
      holidayCountry: 'CL',
      extraHolidays: ['2026-04-04'],
      removedHolidays: ['2026-01-01', '2026-05-01'],
      subjectsFile: './subjects.json',
    });
  });

  it('reads a PostgreSQL URL, and masks its password for logs', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://tickets:s3cret@db.example:5432/tickets',
      DATABASE_POOL_SIZE: '20',
      WEB_CONCURRENCY: '4',
    })._unsafeUnwrap();
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgresql://tickets:s3cret@db.example:5432/tickets',
    });
    expect(config.databaseUrl).toBe('postgresql://tickets:***@db.example:5432/tickets');
    expect([config.databasePoolSize, config.webConcurrency]).toEqual([20, 4]);
  });

  it('refuses several workers on the memory store, which they could not share', () => {
    expect(loadConfig({ DATABASE_URL: 'memory:', WEB_CONCURRENCY: '2' })._unsafeUnwrapErr()).toMatch(
      /^WEB_CONCURRENCY must be 1 with DATABASE_URL=memory:/,
    );
  });

  it('reads a SQLite path from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/tickets/t.db' })._unsafeUnwrap().database).toEqual({
      kind: 'sqlite',
      path: '/var/lib/tickets/t.db',
    });
  });

  it("reads how long a write waits for another process's lock on the SQLite file", () => {
    expect(loadConfig({ SQLITE_BUSY_TIMEOUT_MS: '1500' })._unsafeUnwrap().sqliteBusyTimeoutMs).toBe(1500);
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be from 0 to 65535 (got "70000")'],
    [{ PORT: 'http' }, 'PORT must be a whole number from 0 to 65535 (got "http")'],
    [{ MAX_ACTIVE_TICKETS_PER_ZONE: '0' }, 'MAX_ACTIVE_TICKETS_PER_ZONE must be from 1 to 1000000 (got "0")'],
    [
      { ACTIVE_TICKET_STATES: '1,5' },
      'ACTIVE_TICKET_STATES must be comma-separated whole numbers from 1 to 4 (got "1,5")',
    ],
    [
      { DONE_TICKET_STATES: '1,4' },
      'DONE_TICKET_STATES must not include 1, the status every ticket is opened with (got "1,4")',
    ],
    [
      { ACTIVE_TICKET_STATES: '1,3', DONE_TICKET_STATES: '3,4' },
      'DONE_TICKET_STATES and ACTIVE_TICKET_STATES share 3: a ticket whose work is done cannot count against its zone',
    ],
    [
      { MAX_TICKET_RESOLUTION_DAYS: '2.5' },
      'MAX_TICKET_RESOLUTION_DAYS must be a whole number from 1 to 1000000 (got "2.5")',
    ],
    [
      { BUSINESS_WEEKDAYS: 'lunes' },
      'BUSINESS_WEEKDAYS must be comma-separated whole numbers from 1 to 7 (got "lunes")',
    ],
    [
      { EXTRA_HOLIDAYS: '2026-02-30' },
      'EXTRA_HOLIDAYS must be comma-separated YYYY-MM-DD dates; "2026-02-30" is not one (got "2026-02-30")',
    ],
    [
      { DATABASE_URL: 'sqlite:' },
      'DATABASE_URL must be sqlite:<path> (e.g. sqlite:./data/tickets.db), postgres://user@host:5432/database, or memory: (got "sqlite:")',
    ],
    [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY must be from 1 to 256 (got "0")'],
    [{ SQLITE_BUSY_TIMEOUT_MS: '50' }, 'SQLITE_BUSY_TIMEOUT_MS must be from 100 to 60000 (got "50")'],
    [{ HOST: ' ' }, 'HOST must not be blank (got " ")'],
  ])('refuses %o with one line naming the variable', (env, line) => {
    expect(loadConfig(env)._unsafeUnwrapErr()).toBe(line);
  });
});
