import { describe, expect, it } from 'vitest';
import { fieldErrorText, localTime, zoneFullMessage } from './labels.js';

describe('labels', () => {
  it("words a full zone's refusal with its max_tickets", () => {
    expect(zoneFullMessage('Centro', 1, 3)).toBe(
      'La zona Centro alcanzó su máximo de 3 tickets activos. Espere a que se resuelva uno antes de abrir otro.',
    );
    expect(zoneFullMessage(undefined, 9, 1)).toBe(
      'La zona 9 alcanzó su máximo de 1 ticket activo. Espere a que se resuelva uno antes de abrir otro.',
    );
  });

  it('writes API times in Spanish without converting them to the browser time zone', () => {
    expect(localTime('2026-02-26 10:00')).toEqual({
      weekday: 'jue',
      date: '26 feb 2026',
      time: '10:00',
      machine: '2026-02-26T10:00',
    });
    expect(localTime('2026-03-03 23:59')).toMatchObject({ weekday: 'mar', date: '3 mar 2026' });
    expect(localTime('not a time')).toEqual({
      weekday: '',
      date: 'not a time',
      time: '',
      machine: 'not a time',
    });
  });

  it("translates the server's reference errors, and keeps its words for the rest", () => {
    expect(fieldErrorText({ code: 'inactive_technician', message: 'technician_id: inactive' })).toBe(
      'El técnico está inactivo.',
    );
    expect(fieldErrorText({ code: 'too_small', message: 'description: must not be blank' })).toBe(
      'description: must not be blank',
    );
  });
});
