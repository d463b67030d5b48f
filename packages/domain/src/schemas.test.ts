import { describe, expect, it } from 'vitest';
import {
  createTicketInputSchema,
  listTicketsQuerySchema,
  positiveIntegerParamSchema,
  saveZoneInputSchema,
  updateTicketInputSchema,
} from './schemas.js';

const valid = { service_id: 1, subject: 'Falla Masiva', description: 'Caído', technician_id: 2, zone_id: 3 };

describe('the input schemas', () => {
  it('trims text and drops keys the contract does not know', () => {
    const parsed = createTicketInputSchema.parse({
      ...valid,
      subject: '  Falla Masiva ',
      status: 3,
      priority: '4',
    });
    expect(parsed).toEqual(valid);
  });

  it('says "is required" for a missing field and what it expects for a wrong one', () => {
    const result = createTicketInputSchema.safeParse({ ...valid, zone_id: undefined, technician_id: '2' });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error?.issues.map((i) => [i.path.join('.'), i.message]) ?? []);
    expect(messages).toEqual({ zone_id: 'is required', technician_id: 'must be a positive integer' });
  });

  it.each([
    ['a NUL character', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['only spaces', '   '],
  ])('refuses text with %s', (_, description) => {
    expect(createTicketInputSchema.safeParse({ ...valid, description }).success).toBe(false);
  });

  it('accepts characters outside the basic plane, whole', () => {
    expect(createTicketInputSchema.parse({ ...valid, description: 'Antena 📡 caída' }).description).toBe(
      'Antena 📡 caída',
    );
  });

  it.each([0, -1, 1.5, 2 ** 53, '3', null, true])('refuses %s as an id', (id) => {
    expect(createTicketInputSchema.safeParse({ ...valid, service_id: id }).success).toBe(false);
  });

  it('keeps a zone limit within what every store can hold', () => {
    expect(saveZoneInputSchema.safeParse({ name: 'Z', max_active_tickets: 1_000_000 }).success).toBe(true);
    expect(saveZoneInputSchema.safeParse({ name: 'Z', max_active_tickets: 2_147_483_648 }).success).toBe(
      false,
    );
    expect(saveZoneInputSchema.parse({ name: 'Z', max_active_tickets: null }).max_active_tickets).toBeNull();
  });

  it('reads ids and filters from query and path text', () => {
    expect(positiveIntegerParamSchema.parse('42')).toBe(42);
    expect(positiveIntegerParamSchema.safeParse('4.2').success).toBe(false);
    expect(positiveIntegerParamSchema.safeParse('0x10').success).toBe(false);
    expect(listTicketsQuerySchema.parse({ zone_id: '2', status: '1', limit: '10', cursor: '99' })).toEqual({
      zone_id: 2,
      status: 1,
      limit: 10,
      cursor: '99',
    });
    expect(listTicketsQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
    expect(listTicketsQuerySchema.safeParse({ status: '5' }).success).toBe(false);
  });

  it('takes a status change with an optional answer', () => {
    expect(updateTicketInputSchema.parse({ status: 3, answer_text: ' Listo ' })).toEqual({
      status: 3,
      answer_text: 'Listo',
    });
    expect(updateTicketInputSchema.safeParse({ status: 0 }).success).toBe(false);
  });
});
