import { describe, expect, it } from 'vitest';
import { affectedAddedMessage, affectedText, localTime, queuedMessage, zoneFullMessage } from './labels.js';

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

  it('counts affected customers, singular and plural, and says when one was recorded already', () => {
    expect(affectedText(1)).toBe('1 afectado');
    expect(affectedText(3)).toBe('3 afectados');
    expect(affectedAddedMessage(7, 1, false)).toBe('Cliente agregado al ticket #7: ahora es 1 afectado.');
    expect(affectedAddedMessage(7, 3, false)).toBe('Cliente agregado al ticket #7: ahora son 3 afectados.');
    expect(affectedAddedMessage(7, 3, true)).toBe(
      'El cliente ya estaba agregado al ticket #7: son 3 afectados.',
    );
  });

  it('says where a waiting request stands, and what became of it', () => {
    const waiting = { queue_id: 4, state: 'waiting', position: 2, ticket_id: null } as const;
    expect(queuedMessage(waiting, 'Centro')).toEqual({
      title: 'En espera: posición 2 en la fila de la zona Centro',
      detail: 'Solicitud #4. El ticket se crea solo cuando se libere un cupo.',
    });
    expect(
      queuedMessage({ ...waiting, state: 'admitted', position: null, ticket_id: 9 }, 'Centro').title,
    ).toBe('Solicitud #4 admitida: ticket #9 creado');
    expect(queuedMessage({ ...waiting, state: 'withdrawn', position: null }, 'Centro').title).toBe(
      'Solicitud #4 retirada de la fila',
    );
  });
});
