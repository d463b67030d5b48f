import { err, ok, type Result } from 'neverthrow';
import {
  civilFromDays,
  floorDiv,
  formatIsoDate,
  formatLocalMinute,
  isoWeekday,
  MS_PER_DAY,
  parseIsoDate,
} from './civil.js';
import { createTimeZoneRules, isKnownTimeZone, type TimeZoneRules } from './time-zone.js';

/** Where public holidays come from (a country's data, a file, a service). */
export interface HolidaySource {
  /** The holidays of one year as `YYYY-MM-DD` dates; called at most once per year and calendar. */
  holidaysIn(year: number): readonly string[];
}

/** A source with no holidays at all. */
export const noHolidays: HolidaySource = { holidaysIn: () => [] };

export interface BusinessCalendarSettings {
  /** IANA time zone in which days begin and end, e.g. `America/Bogota`. */
  readonly timeZone: string;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  readonly weekdays: readonly number[];
  readonly holidays: HolidaySource;
  /** `YYYY-MM-DD` dates that are holidays although the source misses them. */
  readonly extraHolidays?: readonly string[];
  /** `YYYY-MM-DD` dates that are working days although the source lists them. */
  readonly removedHolidays?: readonly string[];
}

export type CalendarSettingsError =
  | { readonly type: 'no_working_weekday' }
  | { readonly type: 'invalid_weekday'; readonly weekday: number }
  | { readonly type: 'unknown_time_zone'; readonly timeZone: string }
  | { readonly type: 'invalid_holiday_date'; readonly date: string };

/**
 * An instant: epoch milliseconds, or anything that has them, such as a `Temporal.Instant` or a
 * `Temporal.ZonedDateTime` (of temporal-polyfill or of a runtime's own Temporal).
 */
export type InstantLike = number | { readonly epochMilliseconds: number };

/** Thrown for a number of business days that is not a whole number from 0 to 10,000,000. */
export class BusinessDaysError extends RangeError {
  override readonly name = 'BusinessDaysError';
}

/** The most business days one call may add (about 38,000 years of five-day weeks). */
export const MAX_BUSINESS_DAYS = 10_000_000;

/** Business-day arithmetic in one time zone. */
export interface BusinessCalendar {
  readonly timeZone: string;
  /**
   * The instant `days` business days after `start`, at the same wall-clock time, as epoch
   * milliseconds. The starting day never counts; from a weekend or holiday, counting starts at
   * the next business day. A wall-clock time that falls in a DST gap on the target day moves
   * forward; one that falls twice (a DST overlap) is the earlier instant, but never one before
   * `start`. `days` must be a whole number from 0 to MAX_BUSINESS_DAYS (else BusinessDaysError).
   */
  addBusinessDays(start: InstantLike, days: number): number;
  /** Business days in (day of `from`, day of `to`]; negative when `to` is on an earlier day. */
  businessDaysBetween(from: InstantLike, to: InstantLike): number;
  /**
   * Loads the holidays every addition of up to `maxDays` from `from` can reach, so that no
   * later call pays for it (a large N takes a while the first time: date-holidays is slow).
   */
  prepare(from: InstantLike, maxDays: number): void;
  /** Whether a `YYYY-MM-DD` date is a business day; undefined when the text is not a date. */
  isBusinessDay(isoDate: string): boolean | undefined;
  /** `YYYY-MM-DD HH:mm` of an instant in the calendar's time zone. */
  format(epochMs: number): string;
  /**
   * The instant of a `YYYY-MM-DD HH:mm` wall-clock time in the calendar's time zone (a time in a
   * DST gap moves forward, an ambiguous one is the earlier instant); undefined when it is not one.
   */
  instantOf(localTime: string): number | undefined;
  /** `YYYY-MM-DD` of the local day of an instant. */
  localDate(epochMs: number): string;
}

/** Epoch milliseconds of an instant given either way. */
function epochOf(instant: InstantLike): number {
  const ms = typeof instant === 'number' ? instant : instant.epochMilliseconds;
  if (!Number.isFinite(ms)) throw new RangeError(`an instant must be finite epoch milliseconds (got ${ms})`);
  return ms;
}

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 0 || days > MAX_BUSINESS_DAYS) {
    throw new BusinessDaysError(
      `business days must be a whole number from 0 to ${MAX_BUSINESS_DAYS} (got ${String(days)})`,
    );
  }
}

// 1970-01-05, the first Monday after the epoch; week arithmetic is anchored there.
const MONDAY_ANCHOR = 4;

function upperBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts business days in closed form: working weekdays by whole weeks, minus the holidays (kept
 * sorted, found by binary search) that fall on working weekdays. Adding N days is a handful of
 * such counts, so the cost barely changes between N = 3 and N = 100000.
 */
class WeekdayHolidayCalendar implements BusinessCalendar {
  readonly timeZone: string;
  readonly #zone: TimeZoneRules;
  readonly #source: HolidaySource;
  readonly #working: readonly boolean[];
  readonly #perWeek: number;
  /** Working weekdays among Monday … Monday + r, for r = 0 … 6. */
  readonly #prefix: readonly number[];
  /** Offset from Monday of the j-th working weekday. */
  readonly #position: readonly number[];
  readonly #extraByYear: ReadonlyMap<number, readonly number[]>;
  readonly #removed: ReadonlySet<number>;
  #fromYear = 0;
  #toYear = -1;
  #holidays = new Int32Array(0);

  constructor(
    zone: TimeZoneRules,
    weekdays: ReadonlySet<number>,
    source: HolidaySource,
    extra: readonly number[],
    removed: readonly number[],
  ) {
    this.timeZone = zone.timeZone;
    this.#zone = zone;
    this.#source = source;
    const working = [1, 2, 3, 4, 5, 6, 7].map((d) => weekdays.has(d));
    this.#working = working;
    this.#perWeek = working.filter(Boolean).length;
    let running = 0;
    this.#prefix = working.map((isWorking) => {
      if (isWorking) running += 1;
      return running;
    });
    this.#position = working.flatMap((isWorking, offset) => (isWorking ? [offset] : []));
    const extraByYear = new Map<number, number[]>();
    for (const day of extra) {
      const year = civilFromDays(day).year;
      extraByYear.set(year, [...(extraByYear.get(year) ?? []), day]);
    }
    this.#extraByYear = extraByYear;
    this.#removed = new Set(removed);
  }

  addBusinessDays(start: InstantLike, days: number): number {
    const epochMs = epochOf(start);
    checkDays(days);
    const local = epochMs + this.#zone.offsetAt(epochMs);
    const day = floorDiv(local, MS_PER_DAY);
    const timeOfDay = local - day * MS_PER_DAY;
    // The earlier instant of an ambiguous wall-clock time can precede a start at the later one.
    return Math.max(epochMs, this.#zone.toInstant(this.#addDays(day, days) * MS_PER_DAY + timeOfDay));
  }

  prepare(from: InstantLike, maxDays: number): void {
    checkDays(maxDays);
    const day = this.#localDay(epochOf(from));
    this.#addDays(day, maxDays);
    // A start on a later day of the same year can reach a little further.
    this.#addDays(day + 366, maxDays);
  }

  businessDaysBetween(fromInstant: InstantLike, toInstant: InstantLike): number {
    const from = this.#localDay(epochOf(fromInstant));
    const to = this.#localDay(epochOf(toInstant));
    this.#load(this.#yearOf(Math.min(from, to)), this.#yearOf(Math.max(from, to)));
    return this.#businessDaysUpTo(to) - this.#businessDaysUpTo(from);
  }

  isBusinessDay(isoDate: string): boolean | undefined {
    const day = parseIsoDate(isoDate);
    if (day === undefined) return undefined;
    const year = this.#yearOf(day);
    this.#load(year, year);
    return this.#businessDaysUpTo(day) - this.#businessDaysUpTo(day - 1) === 1;
  }

  format(epochMs: number): string {
    return formatLocalMinute(epochMs + this.#zone.offsetAt(epochMs));
  }

  localDate(epochMs: number): string {
    return formatIsoDate(this.#localDay(epochMs));
  }

  instantOf(localTime: string): number | undefined {
    const match = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):([0-5]\d)$/.exec(localTime);
    const day = match === null ? undefined : parseIsoDate(match[1] as string);
    if (match === null || day === undefined) return undefined;
    return this.#zone.toInstant(day * MS_PER_DAY + Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000);
  }

  #localDay(epochMs: number): number {
    return floorDiv(epochMs + this.#zone.offsetAt(epochMs), MS_PER_DAY);
  }

  /** The smallest day x > `start` with exactly `days` business days in (start, x]. */
  #addDays(start: number, days: number): number {
    if (days <= 0) return start;
    const workdaysAtStart = this.#workdaysUpTo(start);
    let holidaysBetween = 0;
    this.#load(this.#yearOf(start), this.#yearOf(this.#nthWorkday(workdaysAtStart + days)));
    // Each pass is a lower bound: the answer needs `days` working weekdays plus one for every
    // holiday in the way. It stops as soon as the stretch gains no further holiday.
    for (;;) {
      const candidate = this.#nthWorkday(workdaysAtStart + days + holidaysBetween);
      this.#load(this.#fromYear, this.#yearOf(candidate));
      const found = this.#holidaysUpTo(candidate) - this.#holidaysUpTo(start);
      if (found === holidaysBetween) return candidate;
      holidaysBetween = found;
    }
  }

  #businessDaysUpTo(day: number): number {
    return this.#workdaysUpTo(day) - this.#holidaysUpTo(day);
  }

  /** Working weekdays in [MONDAY_ANCHOR, day], extended below the anchor so that differences hold. */
  #workdaysUpTo(day: number): number {
    const sinceAnchor = day - MONDAY_ANCHOR;
    const weeks = floorDiv(sinceAnchor, 7);
    return weeks * this.#perWeek + (this.#prefix[sinceAnchor - weeks * 7] as number);
  }

  /** The smallest day whose `#workdaysUpTo` reaches `count`. */
  #nthWorkday(count: number): number {
    const weeks = floorDiv(count - 1, this.#perWeek);
    const index = count - 1 - weeks * this.#perWeek;
    return MONDAY_ANCHOR + weeks * 7 + (this.#position[index] as number);
  }

  #holidaysUpTo(day: number): number {
    return upperBound(this.#holidays, day);
  }

  #yearOf(day: number): number {
    return civilFromDays(day).year;
  }

  /** Makes sure the holidays of every year in [fromYear, toYear] are indexed. */
  #load(fromYear: number, toYear: number): void {
    if (this.#fromYear <= this.#toYear && fromYear >= this.#fromYear && toYear <= this.#toYear) {
      return;
    }
    const first = this.#fromYear <= this.#toYear ? Math.min(fromYear, this.#fromYear) : fromYear;
    const last = this.#fromYear <= this.#toYear ? Math.max(toYear, this.#toYear) : toYear;
    const days: number[] = [];
    for (let year = first; year <= last; year += 1) {
      if (year >= this.#fromYear && year <= this.#toYear) continue;
      for (const day of this.#yearHolidays(year)) days.push(day);
    }
    for (const day of this.#holidays) days.push(day);
    this.#holidays = Int32Array.from(new Set(days)).sort();
    this.#fromYear = first;
    this.#toYear = last;
  }

  /** The holidays the source gives for a year that fall on working weekdays, as day counts. */
  #yearHolidays(year: number): number[] {
    const days: number[] = [];
    for (const date of this.#source.holidaysIn(year)) {
      const day = parseIsoDate(date);
      if (day !== undefined) days.push(day);
    }
    for (const day of this.#extraByYear.get(year) ?? []) days.push(day);
    // A date of another year (an observed day across New Year) is kept: it is a holiday all the same,
    // and counting only ever takes differences, so an early entry changes no answer.
    return days.filter((day) => !this.#removed.has(day) && this.#working[isoWeekday(day) - 1] === true);
  }
}

function parseDates(
  dates: readonly string[],
): Result<number[], Extract<CalendarSettingsError, { type: 'invalid_holiday_date' }>> {
  const days: number[] = [];
  for (const date of dates) {
    const day = parseIsoDate(date);
    if (day === undefined) return err({ type: 'invalid_holiday_date', date });
    days.push(day);
  }
  return ok(days);
}

/** A calendar for the given settings, or the first thing wrong with them. */
export function createBusinessCalendar(
  settings: BusinessCalendarSettings,
): Result<BusinessCalendar, CalendarSettingsError> {
  const invalid = settings.weekdays.find((d) => !Number.isInteger(d) || d < 1 || d > 7);
  if (invalid !== undefined) return err({ type: 'invalid_weekday', weekday: invalid });
  const weekdays = new Set(settings.weekdays);
  if (weekdays.size === 0) return err({ type: 'no_working_weekday' });
  if (!isKnownTimeZone(settings.timeZone)) {
    return err({ type: 'unknown_time_zone', timeZone: settings.timeZone });
  }
  return parseDates(settings.extraHolidays ?? []).andThen((extra) =>
    parseDates(settings.removedHolidays ?? []).map(
      (removed) =>
        new WeekdayHolidayCalendar(
          createTimeZoneRules(settings.timeZone),
          weekdays,
          settings.holidays,
          extra,
          removed,
        ),
    ),
  );
}
