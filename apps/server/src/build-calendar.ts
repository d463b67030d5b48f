import type { BusinessCalendar } from '@tickets/domain';
import { createDateHolidaysSource } from '@tickets/holidays';
import type { Result } from 'neverthrow';
import { calendarWith, holidayCountryError } from './calendar.js';
import type { Config } from './config.js';

/**
 * The business calendar of BUSINESS_TIME_ZONE, BUSINESS_WEEKDAYS and the holiday settings, its
 * holidays from date-holidays in this process (the `tickets` CLI), those a resolution from `now`
 * can reach loaded already. The server's is calendar.ts' loadCalendar.
 */
export function buildCalendar(config: Config, now: number): Result<BusinessCalendar, string> {
  return createDateHolidaysSource(config.holidayCountry)
    .mapErr(holidayCountryError)
    .andThen((holidays) => calendarWith(config, holidays, now));
}
