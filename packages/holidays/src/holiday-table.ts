import type { HolidaySource } from '@tickets/domain';

/** A source's holidays for each year of a range, as plain data (what a worker thread sends back). */
export interface HolidayTable {
  readonly fromYear: number;
  readonly toYear: number;
  /** The holidays of `fromYear + i` at index i, as the source gave them. */
  readonly years: readonly (readonly string[])[];
}

/** The holidays `source` gives for every year in [fromYear, toYear]. */
export function tabulateHolidays(source: HolidaySource, fromYear: number, toYear: number): HolidayTable {
  const years: (readonly string[])[] = [];
  for (let year = fromYear; year <= toYear; year += 1) years.push([...source.holidaysIn(year)]);
  return { fromYear, toYear, years };
}

/** Years asked of `more` at once past the end of the years known. */
const YEARS_AHEAD = 16;

/**
 * A source that answers from a table: the years of `table` as they are, any other year from
 * `more`, which is asked for the whole gap down to an earlier year (the calendar asks for years in
 * ascending runs) or for 16 years from the one after the last known, and whose answer is kept.
 */
export function createTableHolidaySource(
  table: HolidayTable,
  more: (fromYear: number, toYear: number) => HolidayTable,
): HolidaySource {
  let fromYear = table.fromYear;
  let years = [...table.years];
  const extend = (added: HolidayTable) => {
    if (added.toYear === fromYear - 1) {
      years = [...added.years, ...years];
      fromYear = added.fromYear;
    } else if (added.fromYear === fromYear + years.length) {
      years = [...years, ...added.years];
    }
  };
  return {
    holidaysIn(year) {
      const toYear = fromYear + years.length - 1;
      if (year < fromYear) extend(more(year, fromYear - 1));
      else if (year > toYear) extend(more(toYear + 1, Math.max(year, toYear + YEARS_AHEAD)));
      const known = years[year - fromYear];
      if (known === undefined) throw new Error(`no holidays were given for ${year}`);
      return known;
    },
  };
}
