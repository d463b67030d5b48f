import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  floorDiv,
  formatIsoDate,
  formatLocalMinute,
  isoWeekday,
  MS_PER_DAY,
  parseIsoDate,
} from './civil.js';

const EPOCH = Temporal.PlainDate.from('1970-01-01');

/** The reference: a day count turned into a date by Temporal (UTC, so no offsets get in the way). */
function plainDateOfEpochDay(epochDay: number): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(epochDay * MS_PER_DAY)
    .toZonedDateTimeISO('UTC')
    .toPlainDate();
}

function epochDayOf(date: Temporal.PlainDate): number {
  return date.since(EPOCH, { largestUnit: 'days' }).days;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// About ±8,000 years around 1970, inside what Temporal represents.
const epochDayArb = fc.integer({ min: -3_600_000, max: 2_900_000 });
// Years 0000–9999, the ones `YYYY-MM-DD` can spell.
const fourDigitEpochDayArb = fc.integer({ min: daysFromCivil(0, 1, 1), max: daysFromCivil(9999, 12, 31) });
const plainDateArb = fc
  .record({
    year: fc.integer({ min: -5000, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => Temporal.PlainDate.from({ year, month, day }, { overflow: 'constrain' }));
// Local milliseconds in years 0000–9999.
const localMsArb = fc.integer({
  min: Temporal.PlainDateTime.from('0000-01-01T00:00').toZonedDateTime('UTC').epochMilliseconds,
  max: Temporal.PlainDateTime.from('9999-12-31T23:59:59.999').toZonedDateTime('UTC').epochMilliseconds,
});
// Strings shaped like dates, most of them not real ones (month 00 or 13+, day 00 or 29–99).
const dateLikeTextArb = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 14 }),
    day: fc.integer({ min: 0, max: 33 }),
  })
  .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);

describe('floorDiv', () => {
  it('rounds quotients toward minus infinity', () => {
    expect(floorDiv(7, 2)).toBe(3);
    expect(floorDiv(-7, 2)).toBe(-4);
    expect(floorDiv(-8, 2)).toBe(-4);
    expect(floorDiv(0, 5)).toBe(0);
  });
});

describe('daysFromCivil and civilFromDays', () => {
  it('count days from 1970-01-01', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(2026, 2, 28)).toBe(20_512);
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(civilFromDays(11_016)).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it('handle the Gregorian leap-year rules of 1900, 2000 and 2100', () => {
    expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
    expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
    expect(daysFromCivil(2100, 3, 1) - daysFromCivil(2100, 2, 28)).toBe(1);
    expect(civilFromDays(daysFromCivil(2100, 2, 28) + 1)).toEqual({ year: 2100, month: 3, day: 1 });
  });

  test.prop([epochDayArb], { numRuns: 1000 })(
    'civilFromDays gives the date Temporal gives for a day count',
    (epochDay) => {
      const expected = plainDateOfEpochDay(epochDay);
      expect(civilFromDays(epochDay)).toEqual({
        year: expected.year,
        month: expected.month,
        day: expected.day,
      });
    },
  );

  test.prop([plainDateArb], { numRuns: 1000 })(
    'daysFromCivil counts the days Temporal counts since 1970-01-01',
    (date) => {
      expect(daysFromCivil(date.year, date.month, date.day)).toBe(epochDayOf(date));
    },
  );

  test.prop([epochDayArb], { numRuns: 1000 })('daysFromCivil undoes civilFromDays', (epochDay) => {
    const { year, month, day } = civilFromDays(epochDay);
    expect(daysFromCivil(year, month, day)).toBe(epochDay);
  });

  test.prop([plainDateArb], { numRuns: 1000 })('civilFromDays undoes daysFromCivil', (date) => {
    expect(civilFromDays(daysFromCivil(date.year, date.month, date.day))).toEqual({
      year: date.year,
      month: date.month,
      day: date.day,
    });
  });
});

describe('isoWeekday', () => {
  it('knows 1970-01-01 was a Thursday and 2026-02-28 a Saturday', () => {
    expect(isoWeekday(0)).toBe(4);
    expect(isoWeekday(-1)).toBe(3);
    expect(isoWeekday(4)).toBe(1);
    expect(isoWeekday(daysFromCivil(2026, 2, 28))).toBe(6);
    expect(isoWeekday(daysFromCivil(2026, 3, 1))).toBe(7);
  });

  test.prop([epochDayArb], { numRuns: 1000 })('agrees with Temporal’s dayOfWeek', (epochDay) => {
    expect(isoWeekday(epochDay)).toBe(plainDateOfEpochDay(epochDay).dayOfWeek);
  });
});

describe('parseIsoDate', () => {
  it('reads a real date as its day count', () => {
    expect(parseIsoDate('1970-01-01')).toBe(0);
    expect(parseIsoDate('2026-02-28')).toBe(20_512);
    expect(parseIsoDate('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    expect(parseIsoDate('2000-02-29')).toBe(daysFromCivil(2000, 2, 29));
  });

  it.each([
    ['a day past the end of February', '2026-02-30'],
    ['February 29 of a common year', '2025-02-29'],
    ['February 29 of a century that is not a leap year', '1900-02-29'],
    ['month 13', '2026-13-01'],
    ['month 00', '2026-00-10'],
    ['day 00', '2026-01-00'],
    ['April 31', '2026-04-31'],
    ['unpadded fields', '2026-1-1'],
    ['a two-digit year', '26-01-01'],
    ['a date with a time', '2026-01-01T00:00'],
    ['surrounding blanks', ' 2026-01-01'],
    ['slashes', '2026/01/01'],
    ['the empty string', ''],
  ])('rejects %s (%j)', (_label, text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });

  test.prop([fourDigitEpochDayArb], { numRuns: 1000 })('reads back what Temporal writes', (epochDay) => {
    expect(parseIsoDate(plainDateOfEpochDay(epochDay).toString())).toBe(epochDay);
  });

  test.prop([dateLikeTextArb], { numRuns: 1000 })(
    'accepts exactly the strings Temporal accepts as real dates',
    (text) => {
      let expected: number | undefined;
      try {
        expected = epochDayOf(Temporal.PlainDate.from(text, { overflow: 'reject' }));
      } catch {
        expected = undefined;
      }
      expect(parseIsoDate(text)).toBe(expected);
    },
  );
});

describe('formatIsoDate', () => {
  it('writes four-digit years with zero padding', () => {
    expect(formatIsoDate(0)).toBe('1970-01-01');
    expect(formatIsoDate(daysFromCivil(5, 3, 7))).toBe('0005-03-07');
  });

  test.prop([fourDigitEpochDayArb], { numRuns: 1000 })(
    'writes what Temporal writes and parseIsoDate reads',
    (epochDay) => {
      const text = formatIsoDate(epochDay);
      expect(text).toBe(plainDateOfEpochDay(epochDay).toString());
      expect(parseIsoDate(text)).toBe(epochDay);
    },
  );
});

describe('formatLocalMinute', () => {
  it('writes local milliseconds as a date and a time to the minute', () => {
    expect(formatLocalMinute(0)).toBe('1970-01-01 00:00');
    expect(formatLocalMinute(59_999)).toBe('1970-01-01 00:00');
    expect(formatLocalMinute(60_000)).toBe('1970-01-01 00:01');
    expect(formatLocalMinute(-1)).toBe('1969-12-31 23:59');
    expect(formatLocalMinute(Date.UTC(2026, 1, 26, 10, 0))).toBe('2026-02-26 10:00');
    expect(formatLocalMinute(Date.UTC(2025, 11, 31, 23, 59, 59, 999))).toBe('2025-12-31 23:59');
  });

  test.prop([localMsArb], { numRuns: 1000 })(
    'writes the wall-clock minute Temporal reads from the same milliseconds taken as UTC',
    (localMs) => {
      const dateTime = Temporal.Instant.fromEpochMilliseconds(localMs).toZonedDateTimeISO('UTC');
      const expected = `${dateTime.toPlainDate().toString()} ${pad(dateTime.hour, 2)}:${pad(dateTime.minute, 2)}`;
      expect(formatLocalMinute(localMs)).toBe(expected);
    },
  );
});
