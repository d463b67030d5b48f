import { describe, expect, it } from 'vitest';
import { createBusinessCalendar, noHolidays } from './calendar/business-calendar.js';
import { dueBounds, dueOf } from './urgency.js';

const calendarIn = (timeZone: string) =>
  createBusinessCalendar({ timeZone, weekdays: [1, 2, 3, 4, 5], holidays: noHolidays })._unsafeUnwrap();

describe('what is due today', () => {
  it('ends today at the next midnight in the business time zone', () => {
    const bogota = calendarIn('America/Bogota');
    const now = Date.UTC(2026, 2, 5, 4, 59); // 23:59 on the 4th in Bogotá
    const bounds = dueBounds(bogota, now);
    expect(bounds).toEqual({ now, endOfToday: Date.UTC(2026, 2, 5, 5) });
    expect(dueOf(now - 1, bounds)).toBe('overdue');
    expect(dueOf(now, bounds)).toBe('today');
    expect(dueOf(Date.UTC(2026, 2, 5, 5), bounds)).toBe('later');
  });

  it('ends a day whose next midnight does not exist at the first instant of the next day', () => {
    // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
    const santiago = calendarIn('America/Santiago');
    const bounds = dueBounds(santiago, Date.UTC(2026, 8, 6, 2));
    expect(santiago.format(bounds.endOfToday)).toBe('2026-09-06 01:00');
  });
});
