import { createBusinessCalendar, type HolidaySource } from '@tickets/domain';
import { describe, expect, it } from 'vitest';
import { createDateHolidaysSource } from './date-holidays-source.js';
import { createTableHolidaySource, type HolidayTable, tabulateHolidays } from './holiday-table.js';

const dateHolidays = (code: string) => createDateHolidaysSource(code)._unsafeUnwrap();

/** A table source over date-holidays that notes every range it asks beyond its table. */
function tableOver(source: HolidaySource, fromYear: number, toYear: number) {
  const asked: [number, number][] = [];
  const table = createTableHolidaySource(tabulateHolidays(source, fromYear, toYear), (from, to) => {
    asked.push([from, to]);
    return tabulateHolidays(source, from, to);
  });
  return { table, asked };
}

describe('a table of holidays', () => {
  it.each(['CO', 'BR-SP', 'US'])(
    'gives what date-holidays gives for %s, inside its years and out',
    (code) => {
      const source = dateHolidays(code);
      const { table, asked } = tableOver(source, 2024, 2028);
      for (let year = 2024; year <= 2028; year += 1)
        expect(table.holidaysIn(year)).toEqual(source.holidaysIn(year));
      expect(asked).toEqual([]);
      for (const year of [2020, 2021, 2022, 2023, 2029, 2040, 2046]) {
        expect(table.holidaysIn(year)).toEqual(source.holidaysIn(year));
      }
      // The gap down to 2020 in one go, then 16 years from 2029 (2040 among them), then 16 more.
      expect(asked).toEqual([
        [2020, 2023],
        [2029, 2044],
        [2045, 2060],
      ]);
    },
  );

  it('answers from its table alone for the years in it', () => {
    const table: HolidayTable = { fromYear: 2026, toYear: 2027, years: [['2026-03-23'], []] };
    const source = createTableHolidaySource(table, () => {
      throw new Error('asked beyond the table');
    });
    expect(source.holidaysIn(2026)).toEqual(['2026-03-23']);
    expect(source.holidaysIn(2027)).toEqual([]);
    expect(() => source.holidaysIn(2028)).toThrow('asked beyond the table');
  });

  it('starts from an empty table', () => {
    const source = dateHolidays('CO');
    const { table, asked } = tableOver(source, 2026, 2025);
    expect(table.holidaysIn(2026)).toEqual(source.holidaysIn(2026));
    expect(table.holidaysIn(2025)).toEqual(source.holidaysIn(2025));
    expect(asked).toEqual([
      [2026, 2041],
      [2025, 2025],
    ]);
  });

  it('gives a calendar the resolution dates date-holidays gives, across years it had to ask for', () => {
    const settings = { timeZone: 'America/Bogota', weekdays: [1, 2, 3, 4, 5] };
    const direct = createBusinessCalendar({ ...settings, holidays: dateHolidays('CO') })._unsafeUnwrap();
    const tabled = createBusinessCalendar({
      ...settings,
      holidays: tableOver(dateHolidays('CO'), 2026, 2026).table,
    })._unsafeUnwrap();
    for (const start of ['2026-03-18T10:00', '2025-12-31T10:00', '2019-12-27T10:00', '2030-06-28T10:00']) {
      const instant = Date.parse(`${start}:00-05:00`);
      for (const days of [1, 3, 10, 400]) {
        expect(tabled.format(tabled.addBusinessDays(instant, days))).toBe(
          direct.format(direct.addBusinessDays(instant, days)),
        );
      }
    }
  });
});
