import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it, vi } from 'vitest';
import {
  type BusinessCalendar,
  type BusinessCalendarSettings,
  BusinessDaysError,
  createBusinessCalendar,
  type HolidaySource,
  MAX_BUSINESS_DAYS,
  noHolidays,
} from './business-calendar.js';

// The property tests take about a second each; leave room for a slow, busy machine.
vi.setConfig({ testTimeout: 30_000 });

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(1950, 0, 1);
const TO_MS = Date.UTC(2350, 0, 1);
const ZONES = [
  'America/Santiago',
  'America/Asuncion',
  'America/Havana',
  'America/Bogota',
  'Europe/London',
  'Pacific/Apia',
  'Australia/Lord_Howe',
  'UTC',
] as const;
const EPOCH = Temporal.PlainDate.from('1970-01-01');

// ---- Colombia, the worked examples ----------------------------------------------------------------

const COLOMBIAN_HOLIDAYS: Readonly<Record<number, readonly string[]>> = {
  2025: [
    '2025-01-01',
    '2025-01-06',
    '2025-03-24',
    '2025-04-17',
    '2025-04-18',
    '2025-05-01',
    '2025-06-02',
    '2025-06-23',
    '2025-06-30',
    '2025-07-20',
    '2025-08-07',
    '2025-08-18',
    '2025-10-13',
    '2025-11-03',
    '2025-11-17',
    '2025-12-08',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-12',
    '2026-03-23',
    '2026-04-02',
    '2026-04-03',
    '2026-05-01',
    '2026-05-18',
    '2026-06-08',
    '2026-06-15',
    '2026-06-29',
    '2026-07-20',
    '2026-08-07',
    '2026-08-17',
    '2026-10-12',
    '2026-11-02',
    '2026-11-16',
    '2026-12-08',
    '2026-12-25',
  ],
};

/** A holiday source that remembers how often each year was asked for. */
interface CountingSource extends HolidaySource {
  readonly calls: Map<number, number>;
}

function countingSource(holidaysIn: (year: number) => readonly string[]): CountingSource {
  const calls = new Map<number, number>();
  return {
    calls,
    holidaysIn(year) {
      calls.set(year, (calls.get(year) ?? 0) + 1);
      return holidaysIn(year);
    },
  };
}

/** A source holding a fixed list of dates, handing out one year at a time. */
function listSource(dates: readonly string[]): CountingSource {
  return countingSource((year) => dates.filter((date) => Number(date.slice(0, 4)) === year));
}

const colombianSource = (): CountingSource => countingSource((year) => COLOMBIAN_HOLIDAYS[year] ?? []);

function colombia(overrides: Partial<BusinessCalendarSettings> = {}): BusinessCalendar {
  return createBusinessCalendar({
    timeZone: 'America/Bogota',
    weekdays: [1, 2, 3, 4, 5],
    holidays: colombianSource(),
    ...overrides,
  })._unsafeUnwrap();
}

/** The instant of a wall-clock time in a zone (earlier instant when ambiguous, later when in a gap). */
function at(timeZone: string, localDateTime: string): number {
  return Temporal.PlainDateTime.from(localDateTime).toZonedDateTime(timeZone, {
    disambiguation: 'compatible',
  }).epochMilliseconds;
}

// ---- The oracle: slow, obviously right, Temporal only -------------------------------------------

interface Scenario {
  readonly timeZone: string;
  readonly weekdays: readonly number[];
  /** What the HolidaySource hands out. */
  readonly holidays: readonly string[];
  readonly extraHolidays: readonly string[];
  readonly removedHolidays: readonly string[];
  readonly startMs: number;
}

class Oracle {
  readonly #timeZone: string;
  readonly #weekdays: ReadonlySet<number>;
  readonly #isHoliday: (date: Temporal.PlainDate) => boolean;

  constructor(
    timeZone: string,
    weekdays: readonly number[],
    isHoliday: (date: Temporal.PlainDate) => boolean,
  ) {
    this.#timeZone = timeZone;
    this.#weekdays = new Set(weekdays);
    this.#isHoliday = isHoliday;
  }

  static of(scenario: Scenario): Oracle {
    const removed = new Set(scenario.removedHolidays);
    const holidays = new Set(
      [...scenario.holidays, ...scenario.extraHolidays].filter((d) => !removed.has(d)),
    );
    return new Oracle(scenario.timeZone, scenario.weekdays, (date) => holidays.has(date.toString()));
  }

  isBusinessDay(date: Temporal.PlainDate): boolean {
    return this.#weekdays.has(date.dayOfWeek) && !this.#isHoliday(date);
  }

  /** The business day `days` business days after the local day of `startMs`, walking one day at a time. */
  targetDate(startMs: number, days: number): Temporal.PlainDate {
    let date = local(this.#timeZone, startMs).date;
    for (let counted = 0; counted < days; ) {
      date = date.add({ days: 1 });
      if (this.isBusinessDay(date)) counted += 1;
    }
    return date;
  }

  addBusinessDays(startMs: number, days: number): number {
    return resolve(this.#timeZone, this.targetDate(startMs, days), local(this.#timeZone, startMs).time);
  }

  /** Business days in (from, to], walking one day at a time. */
  countBetween(from: Temporal.PlainDate, to: Temporal.PlainDate): number {
    let count = 0;
    for (
      let date = from.add({ days: 1 });
      Temporal.PlainDate.compare(date, to) <= 0;
      date = date.add({ days: 1 })
    ) {
      if (this.isBusinessDay(date)) count += 1;
    }
    return count;
  }
}

function local(timeZone: string, epochMs: number): { date: Temporal.PlainDate; time: Temporal.PlainTime } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  return { date: zoned.toPlainDate(), time: zoned.toPlainTime() };
}

function offsetMs(timeZone: string, epochMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;
}

function resolve(timeZone: string, date: Temporal.PlainDate, time: Temporal.PlainTime): number {
  return date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

/** Whether a wall-clock time does not exist on a day in a zone (it falls in a gap and moves forward). */
function inGap(timeZone: string, date: Temporal.PlainDate, time: Temporal.PlainTime): boolean {
  const asked = date.toPlainDateTime(time);
  return !asked.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).toPlainDateTime().equals(asked);
}

function calendarOf(
  scenario: Scenario,
  source: HolidaySource = listSource(scenario.holidays),
): BusinessCalendar {
  return createBusinessCalendar({
    timeZone: scenario.timeZone,
    weekdays: scenario.weekdays,
    holidays: source,
    extraHolidays: scenario.extraHolidays,
    removedHolidays: scenario.removedHolidays,
  })._unsafeUnwrap();
}

const plainDate = (isoDate: string): Temporal.PlainDate => Temporal.PlainDate.from(isoDate);

/**
 * The days a result can stand for: its local date, or the day before when the start's wall-clock
 * time did not exist on that day and the gap carried it past midnight (Samoa skipped 2011-12-30).
 * Only the days whose wall-clock time resolves to the result are kept.
 */
function candidateDays(
  calendar: BusinessCalendar,
  timeZone: string,
  startMs: number,
  resultMs: number,
): Temporal.PlainDate[] {
  const { time } = local(timeZone, startMs);
  const resultDate = plainDate(calendar.localDate(resultMs));
  return [resultDate, resultDate.subtract({ days: 1 })].filter(
    (d) => resolve(timeZone, d, time) === resultMs,
  );
}

// ---- Arbitraries ------------------------------------------------------------------------------------

const transitionCache = new Map<string, readonly number[]>();

/** The offset transitions of a zone in [1950, 2350), computed once per zone. */
function transitionsOf(timeZone: string): readonly number[] {
  const cached = transitionCache.get(timeZone);
  if (cached !== undefined) return cached;
  const found: number[] = [];
  let at: Temporal.ZonedDateTime | null =
    Temporal.Instant.fromEpochMilliseconds(FROM_MS).toZonedDateTimeISO(timeZone);
  for (;;) {
    at = at.getTimeZoneTransition('next');
    if (at === null || at.epochMilliseconds >= TO_MS) break;
    found.push(at.epochMilliseconds);
  }
  transitionCache.set(timeZone, found);
  return found;
}

const isoDateOfUtcDay = (epochDay: number): string => EPOCH.add({ days: epochDay }).toString();

const zoneArb = fc.constantFrom(...ZONES);
/** Non-empty sets of ISO weekdays, in any order. */
const weekdaysArb = fc.shuffledSubarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 });
const uniformStartArb = fc.integer({ min: FROM_MS, max: TO_MS });
/**
 * Start instants in 1950–2350 for a zone; half of them up to ten days before one of its offset
 * transitions, at about the wall-clock time of the transition, so that results land in gaps and
 * overlaps.
 */
const startArb = (timeZone: string): fc.Arbitrary<number> => {
  const transitions = transitionsOf(timeZone);
  if (transitions.length === 0) return uniformStartArb;
  return fc.oneof(
    uniformStartArb,
    fc
      .record({
        transition: fc.constantFrom(...transitions),
        daysBefore: fc.integer({ min: 0, max: 10 }),
        shift: fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }),
      })
      .map(({ transition, daysBefore, shift }) => transition - daysBefore * DAY_MS + shift),
  );
};
/** Dates from `before` days before to `after` days after the UTC day of an instant. */
const datesNearArb = (
  epochMs: number,
  before: number,
  after: number,
  maxLength: number,
): fc.Arbitrary<string[]> => {
  const day = Math.floor(epochMs / DAY_MS);
  return fc
    .uniqueArray(fc.integer({ min: day - before, max: day + after }), { maxLength })
    .map((days) => days.map(isoDateOfUtcDay));
};
/** Holidays around a start: dense in the first weeks, sparser over the next years. */
const holidaysArb = (startMs: number): fc.Arbitrary<string[]> =>
  fc
    .tuple(datesNearArb(startMs, 20, 60, 40), datesNearArb(startMs, 40, 3000, 150))
    .map(([dense, sparse]) => [...new Set([...dense, ...sparse])]);
const nArb = fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 400 }));

const scenarioArb: fc.Arbitrary<Scenario> = zoneArb
  .chain((timeZone) =>
    fc.record({ timeZone: fc.constant(timeZone), weekdays: weekdaysArb, startMs: startArb(timeZone) }),
  )
  .chain((base) =>
    holidaysArb(base.startMs).chain((holidays) =>
      fc
        .record({
          removed: fc.tuple(
            fc.subarray(holidays, { maxLength: Math.min(10, holidays.length) }),
            datesNearArb(base.startMs, 5, 60, 3),
          ),
          extra: datesNearArb(base.startMs, 5, 120, 10),
        })
        .map(({ removed, extra }) => {
          const removedHolidays = [...new Set([...removed[0], ...removed[1]])];
          // A date both added and removed says nothing clear; keep the two lists apart.
          const extraHolidays = extra.filter((d) => !removedHolidays.includes(d));
          return { ...base, holidays, extraHolidays, removedHolidays };
        }),
    ),
  );

/**
 * Scenarios aimed at an offset transition: the N-th business day is the day of one of the zone's
 * transitions and the start's wall-clock time falls in, or just around, its gap or overlap. The
 * start is found by walking N business days back from that day. Left to chance, fewer than one
 * scenario in a thousand lands in a gap.
 */
const aimedAt = (transitionArb: fc.Arbitrary<[string, number]>): fc.Arbitrary<[Scenario, number]> =>
  transitionArb
    .chain(([timeZone, transition]) =>
      fc.record({
        timeZone: fc.constant(timeZone),
        transition: fc.constant(transition),
        weekdays: weekdaysArb,
        n: nArb,
        // Where the wall-clock time sits, in thousandths of the gap or overlap from its start.
        permille: fc.oneof(fc.integer({ min: -500, max: 1500 }), fc.constantFrom(-1, 0, 999, 1000)),
      }),
    )
    .chain((aim) =>
      fc
        .tuple(datesNearArb(aim.transition, 60, 5, 30), datesNearArb(aim.transition, 3000, 30, 150))
        .map(([dense, sparse]): [Scenario, number] => {
          const { timeZone, transition, n, permille } = aim;
          const offsetBefore = offsetMs(timeZone, transition - 1);
          const change = offsetMs(timeZone, transition) - offsetBefore;
          const wallClock = Temporal.Instant.fromEpochMilliseconds(
            transition + offsetBefore + Math.round((permille * change) / 1000),
          )
            .toZonedDateTimeISO('UTC')
            .toPlainDateTime();
          const target = wallClock.toPlainDate();
          const weekdays = [...new Set([...aim.weekdays, target.dayOfWeek])];
          const holidays = [...new Set([...dense, ...sparse])].filter((d) => d !== target.toString());
          const holidaySet = new Set(holidays);
          const oracle = new Oracle(timeZone, weekdays, (date) => holidaySet.has(date.toString()));
          let start = target;
          for (let counted = 0; counted < n; ) {
            start = start.subtract({ days: 1 });
            if (oracle.isBusinessDay(start)) counted += 1;
          }
          const startMs = resolve(timeZone, start, wallClock.toPlainTime());
          return [{ timeZone, weekdays, holidays, extraHolidays: [], removedHolidays: [], startMs }, n];
        }),
    );
const aimedAtTransitionArb = aimedAt(
  fc
    .constantFrom(...ZONES.filter((zone) => zone !== 'UTC'))
    .chain((timeZone) => fc.tuple(fc.constant(timeZone), fc.constantFrom(...transitionsOf(timeZone)))),
);
/** Aimed at the day Samoa skipped, 2011-12-30, the one gap that carries wall-clock times past midnight. */
const aimedAtSamoaArb = aimedAt(fc.constant<[string, number]>(['Pacific/Apia', Date.UTC(2011, 11, 30, 10)]));

/** A scenario and N: anything, or aimed at a transition, now and then at Samoa's missing day. */
const scenarioAndNArb: fc.Arbitrary<[Scenario, number]> = fc.oneof(
  { arbitrary: fc.tuple(scenarioArb, nArb), weight: 6 },
  { arbitrary: aimedAtTransitionArb, weight: 6 },
  { arbitrary: aimedAtSamoaArb, weight: 1 },
);

// ---- Tests ---------------------------------------------------------------------------------------------

describe('a Colombian business calendar (America/Bogota, Monday to Friday, three business days)', () => {
  const calendar = colombia();

  it.each([
    ['moves a ticket opened on Thursday over the weekend to Tuesday', '2026-02-26T10:00', '2026-03-03 10:00'],
    ['moves a ticket opened on Saturday to Wednesday', '2026-02-28T10:00', '2026-03-04 10:00'],
    [
      'skips the Monday holiday of 2026-03-23 for a ticket opened on Wednesday',
      '2026-03-18T10:00',
      '2026-03-24 10:00',
    ],
    [
      'skips New Year’s Day and the weekend for a ticket opened on New Year’s Eve',
      '2025-12-31T10:00',
      '2026-01-06 10:00',
    ],
  ])('%s', (_name, opened, due) => {
    expect(calendar.addBusinessDays(at('America/Bogota', opened), 3)).toBe(
      at('America/Bogota', due.replace(' ', 'T')),
    );
    expect(calendar.format(calendar.addBusinessDays(at('America/Bogota', opened), 3))).toBe(due);
  });

  it('formats instants and local dates in Bogota time', () => {
    expect(calendar.format(Date.UTC(2026, 1, 26, 15, 0))).toBe('2026-02-26 10:00');
    expect(calendar.localDate(Date.UTC(2026, 1, 27, 4, 59))).toBe('2026-02-26');
    expect(calendar.localDate(Date.UTC(2026, 1, 27, 5, 0))).toBe('2026-02-27');
  });

  it('reads a wall-clock time back into the instant it formats', () => {
    expect(calendar.instantOf('2026-02-26 10:00')).toBe(Date.UTC(2026, 1, 26, 15, 0));
    for (const instant of [0, Date.UTC(2026, 11, 31, 23, 59), Date.UTC(1999, 5, 1, 4, 7)]) {
      expect(calendar.instantOf(calendar.format(instant))).toBe(instant);
    }
    for (const text of [
      '2026-02-30 10:00',
      '2026-02-26 24:00',
      '26/02/2026 10:00',
      '2026-02-26 10:00:00',
      '',
    ]) {
      expect(calendar.instantOf(text)).toBeUndefined();
    }
  });

  it('never answers zero days from the second occurrence of an overlapped time with an instant before it', () => {
    // Every day a business day, so that the overlap's Sunday counts.
    const newYork = colombia({ timeZone: 'America/New_York', weekdays: [1, 2, 3, 4, 5, 6, 7] });
    // 2026-11-01 01:30 happens twice in New York; this is the second time.
    const second = Date.UTC(2026, 10, 1, 6, 30);
    expect(newYork.format(second)).toBe('2026-11-01 01:30');
    expect(newYork.addBusinessDays(second, 0)).toBe(second);
    const first = Date.UTC(2026, 10, 1, 5, 30);
    expect(newYork.addBusinessDays(first, 0)).toBe(first);
  });

  it('moves a wall-clock time in a DST gap forward, and takes the earlier of an ambiguous one', () => {
    const newYork = colombia({ timeZone: 'America/New_York' });
    expect(newYork.instantOf('2026-03-08 02:30')).toBe(at('America/New_York', '2026-03-08T02:30'));
    expect(newYork.instantOf('2026-03-08 02:30')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(newYork.instantOf('2026-11-01 01:30')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('takes Temporal instants and zoned date-times as well as epoch milliseconds', () => {
    const opened = at('America/Bogota', '2026-02-26T10:00');
    const due = calendar.addBusinessDays(opened, 3);
    expect(calendar.addBusinessDays(Temporal.Instant.fromEpochMilliseconds(opened), 3)).toBe(due);
    expect(
      calendar.addBusinessDays(
        Temporal.Instant.fromEpochMilliseconds(opened).toZonedDateTimeISO('Asia/Tokyo'),
        3,
      ),
    ).toBe(due);
    expect(calendar.businessDaysBetween(Temporal.Instant.fromEpochMilliseconds(opened), due)).toBe(3);
  });

  it('refuses a number of business days that is not a whole number from 0, with a typed error', () => {
    for (const days of [1.5, Number.NaN, Number.POSITIVE_INFINITY, -1, MAX_BUSINESS_DAYS + 1]) {
      expect(() => calendar.addBusinessDays(0, days)).toThrow(BusinessDaysError);
    }
    expect(() => calendar.addBusinessDays(Number.NaN, 3)).toThrow(RangeError);
  });

  it('prepares the holidays a configured N can reach, so the first ticket does not load them', () => {
    const source = colombianSource();
    const prepared = colombia({ holidays: source });
    const opened = at('America/Bogota', '2026-02-26T10:00');
    prepared.prepare(opened, 1_000);
    const loaded = source.calls.size;
    expect(loaded).toBeGreaterThanOrEqual(4);
    prepared.addBusinessDays(opened + 200 * 86_400_000, 1_000);
    expect(source.calls.size).toBe(loaded);
  });

  it('tells business days from weekends, holidays and non-dates', () => {
    expect(calendar.isBusinessDay('2026-02-26')).toBe(true);
    expect(calendar.isBusinessDay('2026-02-28')).toBe(false);
    expect(calendar.isBusinessDay('2026-03-01')).toBe(false);
    expect(calendar.isBusinessDay('2026-03-23')).toBe(false);
    expect(calendar.isBusinessDay('2025-12-25')).toBe(false);
    expect(calendar.isBusinessDay('2026-02-30')).toBeUndefined();
    expect(calendar.isBusinessDay('yesterday')).toBeUndefined();
  });

  it('counts business days between two instants, negative backwards', () => {
    const thursday = at('America/Bogota', '2026-02-26T10:00');
    const tuesday = at('America/Bogota', '2026-03-03T08:00');
    expect(calendar.businessDaysBetween(thursday, tuesday)).toBe(3);
    expect(calendar.businessDaysBetween(tuesday, thursday)).toBe(-3);
    expect(calendar.businessDaysBetween(thursday, thursday + HOUR_MS)).toBe(0);
    expect(
      calendar.businessDaysBetween(
        at('America/Bogota', '2025-12-31T10:00'),
        at('America/Bogota', '2026-01-06T10:00'),
      ),
    ).toBe(3);
  });

  it('keeps the instant when asked for zero business days', () => {
    const start = at('America/Bogota', '2026-02-28T10:00');
    expect(calendar.addBusinessDays(start, 0)).toBe(start);
  });
});

describe('extra and removed holidays', () => {
  it('skips a date listed in extraHolidays', () => {
    const calendar = colombia({ extraHolidays: ['2026-03-02'] });
    expect(calendar.isBusinessDay('2026-03-02')).toBe(false);
    expect(calendar.format(calendar.addBusinessDays(at('America/Bogota', '2026-02-26T10:00'), 3))).toBe(
      '2026-03-04 10:00',
    );
  });

  it('works on a source holiday listed in removedHolidays', () => {
    const calendar = colombia({ removedHolidays: ['2026-03-23'] });
    expect(calendar.isBusinessDay('2026-03-23')).toBe(true);
    expect(calendar.format(calendar.addBusinessDays(at('America/Bogota', '2026-03-18T10:00'), 3))).toBe(
      '2026-03-23 10:00',
    );
  });

  it('changes nothing with an extra holiday on a weekend or a removed date that was no holiday', () => {
    const calendar = colombia({ extraHolidays: ['2026-02-28'], removedHolidays: ['2026-03-02'] });
    expect(calendar.format(calendar.addBusinessDays(at('America/Bogota', '2026-02-26T10:00'), 3))).toBe(
      '2026-03-03 10:00',
    );
  });

  it('skips extra holidays of a year the source knows nothing about', () => {
    const calendar = colombia({ extraHolidays: ['2031-01-02'] });
    // 2030-12-31 is a Tuesday; Wednesday 2031-01-01 counts, Thursday 2031-01-02 does not.
    expect(calendar.format(calendar.addBusinessDays(at('America/Bogota', '2030-12-31T09:30'), 2))).toBe(
      '2031-01-03 09:30',
    );
  });
});

describe('calendar settings', () => {
  const valid: BusinessCalendarSettings = {
    timeZone: 'America/Bogota',
    weekdays: [1, 2, 3, 4, 5],
    holidays: noHolidays,
  };

  it('accepts valid settings', () => {
    expect(createBusinessCalendar(valid).isOk()).toBe(true);
    expect(createBusinessCalendar(valid)._unsafeUnwrap().timeZone).toBe('America/Bogota');
  });

  it('refuses a calendar without working weekdays', () => {
    expect(createBusinessCalendar({ ...valid, weekdays: [] })._unsafeUnwrapErr()).toEqual({
      type: 'no_working_weekday',
    });
  });

  it.each([8, 0, -1, 1.5, Number.NaN])('refuses weekday %s', (weekday) => {
    expect(createBusinessCalendar({ ...valid, weekdays: [1, weekday] })._unsafeUnwrapErr()).toEqual({
      type: 'invalid_weekday',
      weekday,
    });
  });

  it('refuses a time zone that does not exist', () => {
    expect(createBusinessCalendar({ ...valid, timeZone: 'Mars/Base' })._unsafeUnwrapErr()).toEqual({
      type: 'unknown_time_zone',
      timeZone: 'Mars/Base',
    });
  });

  it('refuses extra or removed holidays that are not real dates', () => {
    expect(createBusinessCalendar({ ...valid, extraHolidays: ['2026-02-30'] })._unsafeUnwrapErr()).toEqual({
      type: 'invalid_holiday_date',
      date: '2026-02-30',
    });
    expect(
      createBusinessCalendar({ ...valid, removedHolidays: ['2026-01-01', '2026-1-2'] })._unsafeUnwrapErr(),
    ).toEqual({ type: 'invalid_holiday_date', date: '2026-1-2' });
  });

  it('accepts repeated weekdays', () => {
    expect(createBusinessCalendar({ ...valid, weekdays: [5, 1, 1, 5] }).isOk()).toBe(true);
  });
});

describe('the holiday source', () => {
  it('is asked for each year at most once', () => {
    const source = colombianSource();
    const calendar = colombia({ holidays: source });
    for (const start of ['2026-02-26T10:00', '2026-02-28T10:00', '2026-03-18T10:00', '2025-12-31T10:00']) {
      calendar.addBusinessDays(at('America/Bogota', start), 3);
      calendar.addBusinessDays(at('America/Bogota', start), 300);
    }
    calendar.isBusinessDay('2024-05-01');
    calendar.businessDaysBetween(
      at('America/Bogota', '2020-01-01T00:00'),
      at('America/Bogota', '2030-01-01T00:00'),
    );
    expect([...source.calls.values()].every((count) => count === 1)).toBe(true);
    expect([...source.calls.keys()].sort()).toEqual([
      2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030,
    ]);
  });

  const operationArb = fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      startMs: uniformStartArb,
      days: fc.integer({ min: 0, max: 2000 }),
    }),
    fc.record({ kind: fc.constant('between' as const), fromMs: uniformStartArb, toMs: uniformStartArb }),
    fc.record({ kind: fc.constant('isBusinessDay' as const), startMs: uniformStartArb }),
  );

  test.prop([zoneArb, weekdaysArb, fc.array(operationArb, { minLength: 1, maxLength: 25 })], {
    numRuns: 100,
  })(
    'is asked for each year at most once, whatever the calendar is asked',
    (timeZone, weekdays, operations) => {
      const source = countingSource((year) => [`${year}-01-01`, `${year}-05-01`, `${year}-12-25`]);
      const calendar = createBusinessCalendar({ timeZone, weekdays, holidays: source })._unsafeUnwrap();
      for (const operation of operations) {
        if (operation.kind === 'add') calendar.addBusinessDays(operation.startMs, operation.days);
        else if (operation.kind === 'between') calendar.businessDaysBetween(operation.fromMs, operation.toMs);
        else calendar.isBusinessDay(calendar.localDate(operation.startMs));
      }
      for (const count of source.calls.values()) expect(count).toBe(1);
    },
  );
});

describe('addBusinessDays against a day-by-day oracle', () => {
  test.prop([scenarioAndNArb], { numRuns: 300 })(
    'lands on the instant the oracle finds, for any zone, weekdays, holidays and 1 ≤ N ≤ 400',
    ([scenario, n]) => {
      expect(calendarOf(scenario).addBusinessDays(scenario.startMs, n)).toBe(
        Oracle.of(scenario).addBusinessDays(scenario.startMs, n),
      );
    },
  );

  const lateDecemberStartArb = (timeZone: string): fc.Arbitrary<number> =>
    fc
      .record({
        year: fc.integer({ min: 1950, max: 2348 }),
        day: fc.integer({ min: 20, max: 31 }),
        minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      })
      .map(({ year, day, minute }) =>
        resolve(
          timeZone,
          Temporal.PlainDate.from({ year, month: 12, day }),
          Temporal.PlainTime.from({ hour: Math.floor(minute / 60), minute: minute % 60 }),
        ),
      );
  const yearEndScenarioArb: fc.Arbitrary<Scenario> = zoneArb
    .chain((timeZone) =>
      fc.record({
        timeZone: fc.constant(timeZone),
        weekdays: weekdaysArb,
        startMs: lateDecemberStartArb(timeZone),
      }),
    )
    .chain((base) =>
      datesNearArb(base.startMs, 5, 30, 8).map((near) => {
        const { year } = local(base.timeZone, base.startMs).date;
        const yearEnd = [
          `${year}-12-24`,
          `${year}-12-25`,
          `${year}-12-31`,
          `${year + 1}-01-01`,
          `${year + 1}-01-02`,
        ];
        return {
          ...base,
          holidays: [...new Set([...yearEnd, ...near])],
          extraHolidays: [],
          removedHolidays: [],
        };
      }),
    );

  test.prop([yearEndScenarioArb, fc.integer({ min: 1, max: 30 })], { numRuns: 150 })(
    'crosses into the next year as the oracle does, asking for each year once',
    (scenario, n) => {
      const source = listSource(scenario.holidays);
      const calendar = calendarOf(scenario, source);
      const result = calendar.addBusinessDays(scenario.startMs, n);
      expect(result).toBe(Oracle.of(scenario).addBusinessDays(scenario.startMs, n));
      const startYear = local(scenario.timeZone, scenario.startMs).date.year;
      const resultYear = Oracle.of(scenario).targetDate(scenario.startMs, n).year;
      for (let year = startYear; year <= resultYear; year += 1) expect(source.calls.get(year)).toBe(1);
    },
  );

  /** A holiday source repeating the same month-days every year, good for centuries. */
  const recurringHolidaysArb = fc.uniqueArray(
    fc
      .record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
      .map(({ month, day }) => `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
    { maxLength: 20 },
  );
  const largeScenarioArb = fc.record({
    timeZone: zoneArb,
    weekdays: weekdaysArb,
    monthDays: recurringHolidaysArb,
    startMs: uniformStartArb,
    n: fc.integer({ min: 1000, max: 100_000 }),
  });

  function largeCalendar(timeZone: string, weekdays: readonly number[], monthDays: readonly string[]) {
    const source = countingSource((year) => monthDays.map((md) => `${year}-${md}`));
    const calendar = createBusinessCalendar({ timeZone, weekdays, holidays: source })._unsafeUnwrap();
    const set = new Set(monthDays);
    const oracle = new Oracle(timeZone, weekdays, (date) => set.has(date.toString().slice(5)));
    return { calendar, oracle, source };
  }

  test.prop([largeScenarioArb], { numRuns: 60 })(
    'lands on a business day with exactly N business days on the way, for N up to 100000',
    ({ timeZone, weekdays, monthDays, startMs, n }) => {
      const { calendar, source } = largeCalendar(timeZone, weekdays, monthDays);
      const result = calendar.addBusinessDays(startMs, n);
      const days = candidateDays(calendar, timeZone, startMs, result);
      expect(days.some((d) => calendar.isBusinessDay(d.toString()) === true)).toBe(true);
      expect(calendar.businessDaysBetween(startMs, result)).toBe(n);
      for (const count of source.calls.values()) expect(count).toBe(1);
    },
  );

  // The walk takes up to half a second per run here, hence the few runs and at least four weekdays.
  const largeOracleScenarioArb = fc.record({
    timeZone: zoneArb,
    weekdays: fc.shuffledSubarray([1, 2, 3, 4, 5, 6, 7], { minLength: 4 }),
    monthDays: recurringHolidaysArb,
    startMs: uniformStartArb,
    n: fc.integer({ min: 50_000, max: 100_000 }),
  });

  test.prop([largeOracleScenarioArb], { numRuns: 3 })(
    'agrees with the oracle for N up to 100000',
    ({ timeZone, weekdays, monthDays, startMs, n }) => {
      const { calendar, oracle } = largeCalendar(timeZone, weekdays, monthDays);
      expect(calendar.addBusinessDays(startMs, n)).toBe(oracle.addBusinessDays(startMs, n));
    },
  );
});

describe('one calendar asked many questions', () => {
  const utcDay = (epochMs: number): number => Math.floor(epochMs / DAY_MS);
  const longLivedArb = zoneArb.chain((timeZone) =>
    fc
      .record({
        timeZone: fc.constant(timeZone),
        weekdays: weekdaysArb,
        monthDays: fc.uniqueArray(
          fc
            .record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
            .map(({ month, day }) => `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
          { minLength: 1, maxLength: 20 },
        ),
        extraHolidays: fc
          .uniqueArray(fc.integer({ min: utcDay(FROM_MS), max: utcDay(TO_MS) + 1000 }), { maxLength: 40 })
          .map((days) => days.map(isoDateOfUtcDay)),
        questions: fc.array(fc.record({ startMs: startArb(timeZone), n: nArb }), {
          minLength: 2,
          maxLength: 15,
        }),
      })
      .chain((base) =>
        fc
          .uniqueArray(
            fc
              .tuple(fc.integer({ min: 1950, max: 2352 }), fc.nat())
              .map(([year, pick]) => `${year}-${base.monthDays[pick % base.monthDays.length]}`),
            { maxLength: 40 },
          )
          .map((removed) => ({
            ...base,
            removedHolidays: removed,
            extraHolidays: base.extraHolidays.filter((d) => !removed.includes(d)),
          })),
      ),
  );

  // The holidays of each year are loaded once, in whatever order the years come up, and the zone's
  // offsets are cached: neither may change an answer.
  test.prop([longLivedArb], { numRuns: 60 })(
    'answers a series of questions in any order as the oracle does',
    ({ timeZone, weekdays, monthDays, extraHolidays, removedHolidays, questions }) => {
      const source = countingSource((year) => monthDays.map((md) => `${year}-${md}`));
      const calendar = createBusinessCalendar({
        timeZone,
        weekdays,
        holidays: source,
        extraHolidays,
        removedHolidays,
      })._unsafeUnwrap();
      const recurring = new Set(monthDays);
      const extra = new Set(extraHolidays);
      const removed = new Set(removedHolidays);
      const oracle = new Oracle(timeZone, weekdays, (date) => {
        const iso = date.toString();
        return (recurring.has(iso.slice(5)) || extra.has(iso)) && !removed.has(iso);
      });
      for (const { startMs, n } of questions) {
        expect(calendar.addBusinessDays(startMs, n)).toBe(oracle.addBusinessDays(startMs, n));
        expect(calendar.isBusinessDay(calendar.localDate(startMs))).toBe(
          oracle.isBusinessDay(local(timeZone, startMs).date),
        );
      }
      for (const count of source.calls.values()) expect(count).toBe(1);
    },
  );
});

describe('laws of addBusinessDays', () => {
  // Law: the result stands for a business day D: D is its local date, except when the start's
  // wall-clock time does not exist on D and the gap carries it past midnight (D is then the day
  // before the result's local date; among the zones tested only Samoa's 2011-12-30 does that).
  test.prop([scenarioAndNArb], { numRuns: 150 })('lands on a business day', ([scenario, n]) => {
    const calendar = calendarOf(scenario);
    const result = calendar.addBusinessDays(scenario.startMs, n);
    const days = candidateDays(calendar, scenario.timeZone, scenario.startMs, result);
    expect(days.some((d) => calendar.isBusinessDay(d.toString()) === true)).toBe(true);
    const pushedPastMidnight = days.length === 2;
    if (!pushedPastMidnight) expect(calendar.isBusinessDay(calendar.localDate(result))).toBe(true);
  });

  // Law: exactly N business days lie in (start day, D], counted by the day-by-day walk and by
  // businessDaysBetween; with D a business day, this makes D the N-th business day after the start.
  test.prop([scenarioAndNArb], { numRuns: 150 })(
    'leaves exactly N business days between the start day and the result day',
    ([scenario, n]) => {
      const calendar = calendarOf(scenario);
      const oracle = Oracle.of(scenario);
      const result = calendar.addBusinessDays(scenario.startMs, n);
      const startDate = local(scenario.timeZone, scenario.startMs).date;
      const resultDate = plainDate(calendar.localDate(result));
      const target = candidateDays(calendar, scenario.timeZone, scenario.startMs, result).find(
        (d) => oracle.isBusinessDay(d) && oracle.countBetween(startDate, d) === n,
      );
      expect(target).toBeDefined();
      const pushedPastMidnight = target !== undefined && !target.equals(resultDate);
      expect(calendar.businessDaysBetween(scenario.startMs, result)).toBe(
        pushedPastMidnight && oracle.isBusinessDay(resultDate) ? n + 1 : n,
      );
    },
  );

  /** How much later or earlier a second start is: within a day, or within weeks. */
  const startShiftArb = fc.oneof(
    fc.integer({ min: -12 * HOUR_MS, max: 12 * HOUR_MS }),
    fc.integer({ min: -40 * DAY_MS, max: 40 * DAY_MS }),
  );

  // Law: start1 ≤ start2 ⇒ local date of result1 ≤ local date of result2. The result depends only
  // on the start's local date and wall-clock time, and the local date never goes back as instants
  // go forward in the zones tested (their overlaps end at midnight at the latest, none repeats
  // part of the previous day). It is not true of the result instants themselves: a later start on
  // a later day can resolve earlier in the day (Saturday 23:00 and Sunday 09:00 both go to Monday,
  // see the next test). For two starts on the same local day with wall-clock times t1 ≤ t2 that
  // both exist on the result day, the result instants keep their order too.
  test.prop([scenarioAndNArb, startShiftArb], { numRuns: 150 })(
    'never moves the result to an earlier day when the start moves later',
    ([scenario, n], shift) => {
      const calendar = calendarOf(scenario);
      const zone = scenario.timeZone;
      const [first, second] = [scenario.startMs, scenario.startMs + shift]
        .sort((a, b) => a - b)
        .map((epochMs) => ({ epochMs, local: local(zone, epochMs) }));
      if (first === undefined || second === undefined) throw new Error('two starts expected');
      const firstResult = calendar.addBusinessDays(first.epochMs, n);
      const secondResult = calendar.addBusinessDays(second.epochMs, n);
      expect(calendar.localDate(firstResult) <= calendar.localDate(secondResult)).toBe(true);
      if (
        first.local.date.equals(second.local.date) &&
        Temporal.PlainTime.compare(first.local.time, second.local.time) <= 0 &&
        local(zone, firstResult).time.equals(first.local.time) &&
        local(zone, secondResult).time.equals(second.local.time)
      ) {
        expect(firstResult).toBeLessThanOrEqual(secondResult);
      }
    },
  );

  it('can give an earlier instant for a later start, on the same day', () => {
    const calendar = colombia();
    const saturdayNight = at('America/Bogota', '2026-02-28T23:00');
    const sundayMorning = at('America/Bogota', '2026-03-01T09:00');
    expect(calendar.format(calendar.addBusinessDays(saturdayNight, 1))).toBe('2026-03-02 23:00');
    expect(calendar.format(calendar.addBusinessDays(sundayMorning, 1))).toBe('2026-03-02 09:00');
  });

  // Law: adding a then b is adding a + b, from any start (business day or not, since the start day
  // never counts either way). Let D1 be the a-th business day and t the start's wall-clock time:
  //  - t exists on D1: the intermediate instant is D1 at t, and both ways give the very same instant;
  //  - t falls in a gap on D1 within the day: the intermediate is D1 at a later time t', so both
  //    ways land on the same day, possibly at different wall-clock times;
  //  - the gap carries t past midnight (Samoa 2011-12-30): the second step counts from the day
  //    after D1, so the result can be a business day later; b business days still separate them.
  const compositionArb = fc.oneof(
    fc.tuple(scenarioArb, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 })),
    // Aimed so that the intermediate result lands on a transition day.
    fc
      .oneof({ arbitrary: aimedAtTransitionArb, weight: 6 }, { arbitrary: aimedAtSamoaArb, weight: 1 })
      .chain(([scenario, a]) =>
        fc.tuple(fc.constant(scenario), fc.constant(a), fc.integer({ min: 1, max: 200 })),
      ),
  );

  test.prop([compositionArb], { numRuns: 150 })(
    'adds a then b business days as it adds a + b',
    ([scenario, a, b]) => {
      const calendar = calendarOf(scenario);
      const zone = scenario.timeZone;
      const intermediate = calendar.addBusinessDays(scenario.startMs, a);
      const twoSteps = calendar.addBusinessDays(intermediate, b);
      const oneStep = calendar.addBusinessDays(scenario.startMs, a + b);
      const d1 = Oracle.of(scenario).targetDate(scenario.startMs, a);
      const { time } = local(zone, scenario.startMs);
      if (!inGap(zone, d1, time)) {
        expect(twoSteps).toBe(oneStep);
      } else if (calendar.localDate(intermediate) === d1.toString()) {
        expect(calendar.localDate(twoSteps)).toBe(calendar.localDate(oneStep));
      } else {
        expect(calendar.businessDaysBetween(intermediate, twoSteps)).toBe(b);
        expect(calendar.localDate(twoSteps) >= calendar.localDate(oneStep)).toBe(true);
      }
    },
  );

  // Law: with holidays H ⊆ H', the result for H' is never earlier than for H (as an instant, and so
  // as a local date): the target day can only move later and keeps the wall-clock time.
  const moreHolidaysArb = scenarioAndNArb.chain(([scenario, n]) =>
    fc.tuple(fc.constant(scenario), fc.constant(n), datesNearArb(scenario.startMs, 5, 600, 60)),
  );

  test.prop([moreHolidaysArb], { numRuns: 150 })(
    'never moves the result earlier when holidays are added',
    ([scenario, n, more]) => {
      const fewer = calendarOf(scenario);
      const viaSource = calendarOf({ ...scenario, holidays: [...new Set([...scenario.holidays, ...more])] });
      const viaExtra = calendarOf({
        ...scenario,
        extraHolidays: [
          ...scenario.extraHolidays,
          ...more.filter((d) => !scenario.removedHolidays.includes(d)),
        ],
      });
      const before = fewer.addBusinessDays(scenario.startMs, n);
      for (const calendar of [viaSource, viaExtra]) {
        const after = calendar.addBusinessDays(scenario.startMs, n);
        expect(after).toBeGreaterThanOrEqual(before);
        expect(calendar.localDate(after) >= fewer.localDate(before)).toBe(true);
      }
    },
  );

  // Law: the host's time zone (process.env.TZ) changes no answer.
  test.prop([scenarioAndNArb], { numRuns: 25 })(
    'gives the same answers whatever the host time zone',
    ([scenario, n]) => {
      const hostZones = [
        'Asia/Tokyo',
        'America/Los_Angeles',
        'UTC',
        'Pacific/Kiritimati',
        'America/St_Johns',
      ];
      const saved = process.env.TZ;
      const answers: unknown[] = [];
      const hostOffsets = new Set<number>();
      try {
        for (const hostZone of hostZones) {
          process.env.TZ = hostZone;
          hostOffsets.add(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset());
          const calendar = calendarOf(scenario);
          const result = calendar.addBusinessDays(scenario.startMs, n);
          answers.push({
            result,
            format: calendar.format(result),
            localDate: calendar.localDate(result),
            between: calendar.businessDaysBetween(scenario.startMs, result),
            isBusinessDay: calendar.isBusinessDay(calendar.localDate(scenario.startMs)),
          });
        }
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
      // The host zone did change under the test.
      expect(hostOffsets.size).toBe(hostZones.length);
      for (const answer of answers) expect(answer).toEqual(answers[0]);
    },
  );
});

describe('businessDaysBetween', () => {
  const shiftArb = fc.integer({ min: -400 * DAY_MS, max: 400 * DAY_MS });

  test.prop([scenarioArb, shiftArb, shiftArb], { numRuns: 100 })(
    'counts as the oracle does, is antisymmetric and adds up',
    (scenario, shift1, shift2) => {
      const calendar = calendarOf(scenario);
      const oracle = Oracle.of(scenario);
      const [a, b, c] = [scenario.startMs, scenario.startMs + shift1, scenario.startMs + shift2];
      const [dateA, dateB] = [local(scenario.timeZone, a).date, local(scenario.timeZone, b).date];
      const expected =
        Temporal.PlainDate.compare(dateA, dateB) <= 0
          ? oracle.countBetween(dateA, dateB)
          : 0 - oracle.countBetween(dateB, dateA);
      expect(calendar.businessDaysBetween(a, b)).toBe(expected);
      expect(calendar.businessDaysBetween(b, a)).toBe(0 - expected);
      expect(calendar.businessDaysBetween(a, b) + calendar.businessDaysBetween(b, c)).toBe(
        calendar.businessDaysBetween(a, c),
      );
    },
  );

  test.prop([scenarioArb, fc.integer({ min: -30, max: 400 })], { numRuns: 100 })(
    'agrees with isBusinessDay and the oracle day by day',
    (scenario, offset) => {
      const calendar = calendarOf(scenario);
      const date = local(scenario.timeZone, scenario.startMs).date.add({ days: offset });
      expect(calendar.isBusinessDay(date.toString())).toBe(Oracle.of(scenario).isBusinessDay(date));
    },
  );
});

describe('days that do not exist', () => {
  const samoa = createBusinessCalendar({
    timeZone: 'Pacific/Apia',
    weekdays: [1, 2, 3, 4, 5],
    holidays: noHolidays,
  })._unsafeUnwrap();

  it('lands on Saturday 2011-12-31 when the business day is Friday 2011-12-30, which Samoa skipped', () => {
    // The start's 10:00 does not exist on 2011-12-30 and moves forward by the 24-hour gap.
    const thursday = at('Pacific/Apia', '2011-12-29T10:00');
    const result = samoa.addBusinessDays(thursday, 1);
    expect(samoa.format(result)).toBe('2011-12-31 10:00');
    expect(result - thursday).toBe(DAY_MS);
    expect(samoa.format(samoa.addBusinessDays(thursday, 2))).toBe('2012-01-02 10:00');
  });

  it('moves a time in a DST gap forward on the target day', () => {
    const chile = createBusinessCalendar({
      timeZone: 'America/Santiago',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      holidays: noHolidays,
    })._unsafeUnwrap();
    // 2026-09-06 starts at 01:00 in Santiago.
    expect(chile.format(chile.addBusinessDays(at('America/Santiago', '2026-09-05T00:30'), 1))).toBe(
      '2026-09-06 01:30',
    );
    // Lord Howe Island moves its clocks by 30 minutes: 02:00 becomes 02:30 on 2026-10-04.
    const lordHowe = createBusinessCalendar({
      timeZone: 'Australia/Lord_Howe',
      weekdays: [7],
      holidays: noHolidays,
    })._unsafeUnwrap();
    expect(lordHowe.format(lordHowe.addBusinessDays(at('Australia/Lord_Howe', '2026-09-27T02:10'), 1))).toBe(
      '2026-10-04 02:40',
    );
  });

  it('takes the earlier instant of an ambiguous time on the target day', () => {
    const london = createBusinessCalendar({
      timeZone: 'Europe/London',
      weekdays: [7],
      holidays: noHolidays,
    })._unsafeUnwrap();
    // 01:30 happens twice on 2026-10-25; the first time is still BST, 00:30 UTC.
    const result = london.addBusinessDays(at('Europe/London', '2026-10-18T01:30'), 1);
    expect(result).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(london.format(result)).toBe('2026-10-25 01:30');
  });
});
