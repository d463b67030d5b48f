import { type BusinessCalendar, type CalendarSettingsError, createBusinessCalendar } from '@tickets/domain';
import Holidays from 'date-holidays';
import type { Result } from 'neverthrow';
import { createDateHolidaysSource, type UnknownHolidayRegion } from './date-holidays-source.js';

export interface CountryCalendarOptions {
  /** Defaults to the country's own time zone in the date-holidays data (its first, if it has several). */
  readonly timeZone?: string;
  /** ISO weekdays that are working days; defaults to Monday to Friday. */
  readonly weekdays?: readonly number[];
  /** Holidays the data misses, as `YYYY-MM-DD`. */
  readonly extraHolidays?: readonly string[];
  /** Dates the data lists wrongly, as `YYYY-MM-DD`. */
  readonly removedHolidays?: readonly string[];
}

/**
 * A country's business calendar in one call: `createCountryCalendar('CO')` is Bogotá's time
 * zone, Monday to Friday, and Colombia's public holidays. A region works too (`BR-SP`).
 */
export function createCountryCalendar(
  code: string,
  options: CountryCalendarOptions = {},
): Result<BusinessCalendar, UnknownHolidayRegion | CalendarSettingsError> {
  return createDateHolidaysSource(code).andThen((holidays) => {
    const [country = '', region] = code.trim().toUpperCase().split('-');
    const place = region === undefined ? new Holidays(country) : new Holidays(country, region);
    const timeZone = options.timeZone ?? place.getTimezones()[0] ?? 'UTC';
    return createBusinessCalendar({
      timeZone,
      weekdays: options.weekdays ?? [1, 2, 3, 4, 5],
      holidays,
      extraHolidays: options.extraHolidays ?? [],
      removedHolidays: options.removedHolidays ?? [],
    });
  });
}
