import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { tabTitle } from './App.js';
import { EnvelopeError } from './api.js';
import { agoText } from './components/OfflineBanner.js';
import { errorText, fieldErrorText, isUnreachable, NETWORK_MESSAGE, refusalText } from './messages.js';

const trpcError = (code: string) =>
  TRPCClientError.from({ error: { message: 'in English', code: -32600, data: { code } } });

describe('messages', () => {
  it('words each field problem in Spanish from its code and the kind of field, never in English', () => {
    expect(fieldErrorText({ field: 'description', code: 'too_small' })).toBe('No puede quedar en blanco.');
    expect(fieldErrorText({ field: 'service_id', code: 'too_small' })).toBe(
      'Debe ser un número entero positivo.',
    );
    expect(fieldErrorText({ field: 'answer_text', code: 'too_big' })).toBe('El texto es demasiado largo.');
    expect(fieldErrorText({ field: 'technician_id', code: 'invalid_type' })).toBe(
      'Escriba un número entero positivo.',
    );
    expect(fieldErrorText({ field: 'technician_id', code: 'inactive_technician' })).toBe(
      'El técnico está inactivo.',
    );
    expect(fieldErrorText({ field: 'subject', code: 'unknown_subject' })).toBe(
      'El asunto no está en el catálogo.',
    );
    expect(fieldErrorText({ field: 'x', code: 'something_new' })).toBe('Este dato no es válido.');
  });

  it('words refusals, tRPC error codes and a server out of reach in Spanish', () => {
    expect(refusalText('ticket_not_active')).toBe('El ticket ya no está activo: se resolvió o se cerró.');
    expect(refusalText('service_unavailable')).toMatch(/^El servidor no puede consultar los datos/);
    expect(errorText(new EnvelopeError('ticket_not_found', 'ticket_id: no ticket 9'))).toBe(
      'El ticket no existe.',
    );
    expect(errorText(trpcError('FORBIDDEN'))).toMatch(/^Su clave de API no permite/);
    expect(errorText(trpcError('SERVICE_UNAVAILABLE'))).toMatch(/^El servidor no puede consultar/);
    const offline = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(errorText(offline)).toBe(NETWORK_MESSAGE);
    expect(isUnreachable(offline)).toBe(true);
    expect(isUnreachable(trpcError('SERVICE_UNAVAILABLE'))).toBe(true);
    expect(isUnreachable(trpcError('BAD_REQUEST'))).toBe(false);
    expect(errorText(new Error('anything'))).toBe('Ocurrió un error inesperado. Intente de nuevo.');
  });
});

describe('the connection and the tab', () => {
  it('says how old the data is in seconds, then minutes, then hours', () => {
    expect(agoText(0)).toBe('hace 0 s');
    expect(agoText(59_999)).toBe('hace 59 s');
    expect(agoText(60_000)).toBe('hace 1 min');
    expect(agoText(3 * 3_600_000 + 5)).toBe('hace 3 h');
  });

  it('counts the active tickets in the title, and says when the server is out of reach', () => {
    expect(tabTitle(null, true)).toBe('tickets · Consola de despacho');
    expect(tabTitle(7, true)).toBe('(7) tickets · Consola de despacho');
    expect(tabTitle(7, false)).toBe('Sin conexión · (7) tickets · Consola de despacho');
  });
});
