import { type BusinessCalendar, createBusinessCalendar, type HolidaySource } from '@tickets/domain';
import type { UnknownHolidayRegion } from '@tickets/holidays';
import type { Result } from 'neverthrow';
import type { Config } from './config.js';
import { holidaysWorkerFile } from './holidays/worker-file.js';
import { holidaysFromWorker } from './holidays/worker-holidays.js';

// The business calendar that the configuration names. Errors are one line naming the variable,
// meant to be printed as is. Nothing here loads date-holidays (build-calendar.ts does, for the CLI).

/** What is wrong with HOLIDAY_COUNTRY, in a line. */
export const holidayCountryError = (e: UnknownHolidayRegion) =>
  `HOLIDAY_COUNTRY ${e.reason} (got "${e.code}")`;

// Tickets' dates reach this far back without asking another worker (an overdue ticket, a WispHub pull).
const PAST_YEARS = 2;

/**
 * A year past any resolution date from now: N business days take at most N × 1.25 working
 * weekdays (holidays are never a fifth of them), and the calendar prepares from up to a year later.
 */
function reachYear(now: number, config: Config): number {
  const weeks = Math.ceil((config.resolutionDays * 1.25) / Math.max(1, config.businessWeekdays.length)) + 1;
  return new Date(now + (weeks * 7 + 367) * 86_400_000).getUTCFullYear();
}

/**
 * The server's calendar, the same as buildCalendar's, but with holidays computed by a worker
 * process for the years a ticket made now can need, so that date-holidays is never loaded here.
 */
export async function loadCalendar(config: Config, now: number): Promise<Result<BusinessCalendar, string>> {
  const thisYear = new Date(now).getUTCFullYear();
  const holidays = await holidaysFromWorker(
    holidaysWorkerFile,
    config.holidayCountry,
    thisYear - PAST_YEARS,
    reachYear(now, config),
  );
  return holidays.mapErr(holidayCountryError).andThen((source) => calendarWith(config, source, now));
}

/** The calendar of the configuration with a source of holidays, prepared for resolutions from `now`. */
export function calendarWith(
  config: Config,
  holidays: HolidaySource,
  now: number,
): Result<BusinessCalendar, string> {
  return createBusinessCalendar({
    timeZone: config.businessTimeZone,
    weekdays: config.businessWeekdays,
    holidays,
    extraHolidays: config.extraHolidays,
    removedHolidays: config.removedHolidays,
  })
    .mapErr((e) => {
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
    })
    .map((calendar) => {
      // The holidays MAX_TICKET_RESOLUTION_DAYS can reach, loaded now rather than on the first ticket.
      calendar.prepare(now, config.resolutionDays);
      return calendar;
    });
}
