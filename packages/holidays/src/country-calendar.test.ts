import { describe, expect, it } from 'vitest';
import { createCountryCalendar } from './country-calendar.js';

const bogota = (date: string) => Date.parse(`${date}:00-05:00`);

describe('a country calendar in one call', () => {
  it("gives Colombia Bogotá's time zone, Monday to Friday and its public holidays", () => {
    const calendar = createCountryCalendar('CO');
    if (calendar.isErr()) throw new Error(calendar.error.type);
    expect(calendar.value.timeZone).toBe('America/Bogota');
    expect(calendar.value.format(calendar.value.addBusinessDays(bogota('2026-02-26T10:00'), 3))).toBe(
      '2026-03-03 10:00',
    );
    // Monday 2026-03-23 (San José) is a holiday.
    expect(calendar.value.isBusinessDay('2026-03-23')).toBe(false);
    expect(calendar.value.isBusinessDay('2026-03-24')).toBe(true);
    expect(calendar.value.isBusinessDay('2026-03-21')).toBe(false);
  });

  it('takes a region, and overrides of the time zone, the week and the holidays', () => {
    const saoPaulo = createCountryCalendar('BR-SP');
    expect(saoPaulo.map((c) => c.timeZone)._unsafeUnwrap()).toBe('America/Sao_Paulo');
    const custom = createCountryCalendar('CO', {
      timeZone: 'America/Lima',
      weekdays: [1, 2, 3, 4, 5, 6],
      extraHolidays: ['2026-03-24'],
      removedHolidays: ['2026-03-23'],
    })._unsafeUnwrap();
    expect(custom.timeZone).toBe('America/Lima');
    expect(custom.isBusinessDay('2026-03-21')).toBe(true);
    expect(custom.isBusinessDay('2026-03-23')).toBe(true);
    expect(custom.isBusinessDay('2026-03-24')).toBe(false);
  });

  it('says what is wrong with a country code or an override', () => {
    expect(createCountryCalendar('XX')._unsafeUnwrapErr()).toMatchObject({ type: 'unknown_holiday_region' });
    expect(createCountryCalendar('CO', { timeZone: 'Mars/Base' })._unsafeUnwrapErr()).toEqual({
      type: 'unknown_time_zone',
      timeZone: 'Mars/Base',
    });
  });
});
