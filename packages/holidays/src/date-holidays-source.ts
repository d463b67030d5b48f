import { formatIsoDate, type HolidaySource, noHolidays, parseIsoDate } from '@tickets/domain';
import Holidays from 'date-holidays';
import { err, ok, type Result } from 'neverthrow';

export interface UnknownHolidayRegion {
  readonly type: 'unknown_holiday_region';
  readonly code: string;
  /** Why the code is refused, in a sentence. */
  readonly reason: string;
}

const MS_PER_DAY = 86_400_000;

/**
 * Public holidays from the `date-holidays` data for a country (`CO`) or one of its regions
 * (`BR-SP`), or none at all for `none`. Holidays spanning several days yield each day.
 */
export function createDateHolidaysSource(code: string): Result<HolidaySource, UnknownHolidayRegion> {
  if (code.trim().toLowerCase() === 'none') return ok(noHolidays);
  const [country = '', region, ...rest] = code.trim().toUpperCase().split('-');
  const catalogue = new Holidays();
  if (rest.length > 0 || !/^[A-Z]{2}$/.test(country) || catalogue.getCountries()[country] === undefined) {
    return err({
      type: 'unknown_holiday_region',
      code,
      reason:
        'expected a country code from the date-holidays data (e.g. CO), optionally with a region (e.g. BR-SP), or none',
    });
  }
  if (region !== undefined) {
    const regions = catalogue.getStates(country) ?? {};
    if (regions[region] === undefined) {
      const known = Object.keys(regions);
      return err({
        type: 'unknown_holiday_region',
        code,
        reason: `the holiday data has no region ${region} in ${country} (its regions: ${known.length > 0 ? known.join(', ') : 'none'})`,
      });
    }
  }
  const holidays = region === undefined ? new Holidays(country) : new Holidays(country, region);
  return ok({
    holidaysIn(year) {
      const dates: string[] = [];
      for (const holiday of holidays.getHolidays(year)) {
        if (holiday.type !== 'public') continue;
        const first = parseIsoDate(holiday.date.slice(0, 10));
        if (first === undefined) continue;
        const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / MS_PER_DAY));
        for (let i = 0; i < days; i += 1) dates.push(formatIsoDate(first + i));
      }
      return dates;
    },
  });
}
