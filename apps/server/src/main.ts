import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createHttpApp } from '@tickets/api';
import {
  type BusinessCalendar,
  type Clock,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  type SubjectCatalogue,
  subjectGroupsSchema,
  type TicketStore,
} from '@tickets/domain';
import { createDateHolidaysSource } from '@tickets/holidays';
import { createMemoryTicketStore, createSqlTicketStore, migrateToLatest, openSqlite } from '@tickets/store';
import { err, type Result } from 'neverthrow';
import { type Config, loadConfig } from './config.js';

const systemClock: Clock = { now: () => Date.now() };

function buildCalendar(config: Config): Result<BusinessCalendar, string> {
  return createDateHolidaysSource(config.holidayCountry)
    .mapErr((e) => `HOLIDAY_COUNTRY ${e.reason} (got "${e.code}")`)
    .andThen((holidays) =>
      createBusinessCalendar({
        timeZone: config.businessTimeZone,
        weekdays: config.businessWeekdays,
        holidays,
        extraHolidays: config.extraHolidays,
        removedHolidays: config.removedHolidays,
      }).mapErr((e) => {
        switch (e.type) {
          case 'no_working_weekday':
            return 'BUSINESS_WEEKDAYS must name at least one working weekday (1 = Monday … 7 = Sunday)';
          case 'invalid_weekday':
            return `BUSINESS_WEEKDAYS has ${e.weekday}, not a weekday from 1 to 7`;
          case 'unknown_time_zone':
            return `BUSINESS_TIME_ZONE is not a known IANA time zone (got "${e.timeZone}")`;
          case 'invalid_holiday_date':
            return `EXTRA_HOLIDAYS or REMOVED_HOLIDAYS has "${e.date}", not a YYYY-MM-DD date`;
        }
      }),
    );
}

function loadSubjects(config: Config): Result<SubjectCatalogue, string> {
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

interface OpenStore {
  readonly store: TicketStore;
  close(): Promise<void>;
}

async function openStore(config: Config): Promise<OpenStore> {
  if (config.database.kind === 'memory') {
    return { store: createMemoryTicketStore(), close: async () => undefined };
  }
  const db = openSqlite({ path: config.database.path });
  await migrateToLatest(db, 'sqlite');
  return { store: createSqlTicketStore(db, 'sqlite'), close: () => db.destroy() };
}

function fail(line: string): never {
  console.error(`tickets: configuration error: ${line}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env).match((c) => c, fail);
  const calendar = buildCalendar(config).match((c) => c, fail);
  const subjects = loadSubjects(config).match((s) => s, fail);
  const { store, close } = await openStore(config);

  const desk = createTicketDesk({
    store,
    clock: systemClock,
    calendar,
    subjects,
    capacity: createCapacityRule({
      maxActiveTicketsPerZone: config.maxActiveTicketsPerZone,
      activeStatuses: config.activeTicketStates,
    }),
    resolutionDays: config.resolutionDays,
  });
  const app = createHttpApp({ desk });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.log(`tickets: listening on http://${info.address}:${info.port} (store ${config.databaseUrl})`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`tickets: ${signal} received, stopping`);
    server.close(async () => {
      await close();
      console.log('tickets: stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('tickets: could not start:', error);
  process.exit(1);
});
