import { createBusinessCalendar } from '@tickets/domain';
import { describe, expect, it } from 'vitest';
import { createDateHolidaysSource } from './date-holidays-source.js';

describe('createDateHolidaysSource', () => {
  it("lists Colombia's public holidays of 2026, with San José moved to Monday 23 March", () => {
    const source = createDateHolidaysSource('CO')._unsafeUnwrap();
    expect(source.holidaysIn(2026)).toEqual(
      expect.arrayContaining([
        '2026-01-01',
        '2026-01-12',
        '2026-03-23',
        '2026-04-02',
        '2026-04-03',
        '2026-12-25',
      ]),
    );
    expect(source.holidaysIn(2026)).not.toContain('2026-03-19');
    expect(source.holidaysIn(2026)).not.toContain('2026-03-29');
  });

  it('gives the worked examples of the contract with a Colombian calendar', () => {
    const calendar = createBusinessCalendar({
      timeZone: 'America/Bogota',
      weekdays: [1, 2, 3, 4, 5],
      holidays: createDateHolidaysSource('CO')._unsafeUnwrap(),
    })._unsafeUnwrap();
    const add3 = (bogota: string) =>
      calendar.format(calendar.addBusinessDays(Date.parse(`${bogota}:00-05:00`), 3));
    expect(add3('2026-02-26T10:00')).toBe('2026-03-03 10:00');
    expect(add3('2026-02-28T10:00')).toBe('2026-03-04 10:00');
    expect(add3('2026-03-18T10:00')).toBe('2026-03-24 10:00');
    expect(add3('2025-12-31T10:00')).toBe('2026-01-06 10:00');
  });

  it('yields every day of a holiday that lasts several days', () => {
    const korea = createDateHolidaysSource('KR')._unsafeUnwrap().holidaysIn(2026);
    // The data gives Seollal as three days from 17 February.
    expect(korea).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-18', '2026-02-19']));
  });

  it('takes a region where the data has regions', () => {
    const saoPaulo = createDateHolidaysSource('BR-SP')._unsafeUnwrap().holidaysIn(2026);
    const brazil = createDateHolidaysSource('BR')._unsafeUnwrap().holidaysIn(2026);
    // 9 July, the Constitutionalist Revolution, is a holiday in São Paulo only.
    expect(saoPaulo).toContain('2026-07-09');
    expect(brazil).not.toContain('2026-07-09');
    expect(createDateHolidaysSource('us-ca').isOk()).toBe(true);
  });

  it('has no holidays for none', () => {
    expect(createDateHolidaysSource('none')._unsafeUnwrap().holidaysIn(2026)).toEqual([]);
  });

  it('refuses unknown countries and regions with a reason', () => {
    expect(createDateHolidaysSource('XX')._unsafeUnwrapErr().type).toBe('unknown_holiday_region');
    expect(createDateHolidaysSource('CO-ZZ')._unsafeUnwrapErr().reason).toContain('no region ZZ in CO');
    expect(createDateHolidaysSource('AR-B')._unsafeUnwrapErr().reason).toContain('its regions: none');
    expect(createDateHolidaysSource('Colombia').isErr()).toBe(true);
  });
});
