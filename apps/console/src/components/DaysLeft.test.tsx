import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DaysLeft } from './DaysLeft.js';

const shown = (days: number, overdue: boolean, done = false) => {
  const { container, unmount } = render(<DaysLeft days={days} overdue={overdue} done={done} />);
  const span = container.firstElementChild as HTMLElement;
  const result = { text: span.textContent, className: span.className };
  unmount();
  return result;
};

describe('business days left', () => {
  it('counts the business days left, singular and plural', () => {
    expect(shown(3, false)).toEqual({ text: '3 días hábiles', className: 'days' });
    expect(shown(1, false)).toEqual({ text: '1 día hábil', className: 'days soon' });
  });

  it('says "Vence hoy" on the day', () => {
    expect(shown(0, false)).toEqual({ text: 'Vence hoy', className: 'days soon' });
  });

  it('marks overdue tickets "Vencido", with how late they are', () => {
    expect(shown(-2, true)).toEqual({ text: 'Vencidohace 2 días hábiles', className: 'days overdue' });
    expect(shown(-1, true).text).toBe('Vencidohace 1 día hábil');
    // Due earlier today: overdue, zero business days late.
    expect(shown(0, true)).toEqual({ text: 'Vencido', className: 'days overdue' });
  });

  it('has nothing to count for a ticket whose work is done', () => {
    expect(shown(-3, true, true).text).toBe('—');
    expect(shown(2, false, true).text).toBe('—');
    expect(shown(2, false, false).text).toBe('2 días hábiles');
  });
});
