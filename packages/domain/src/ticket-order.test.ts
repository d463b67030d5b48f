import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { readTicketCursor, ticketCursor, ticketSorts } from './ticket-order.js';
import { searchableText, ticketSearch } from './ticket-search.js';

describe('ticket cursors', () => {
  test.prop([fc.constantFrom(...ticketSorts), fc.array(fc.maxSafeNat(), { minLength: 4, maxLength: 4 })])(
    'read back the key they were written from, in their own sort only',
    (sort, values) => {
      const length = { newest: 1, urgent: 4, due: 2, priority: 3 }[sort];
      const key = values.slice(0, length).map((v, i) => (sort === 'newest' && i === 0 ? v + 1 : v));
      if (sort === 'newest' && !Number.isSafeInteger(key[0])) return;
      const cursor = ticketCursor(sort, key);
      expect(readTicketCursor(sort, cursor)).toEqual(ok(key));
      for (const other of ticketSorts.filter((s) => s !== sort)) {
        expect(readTicketCursor(other, cursor)._unsafeUnwrapErr()).toContain(`is a cursor of sort=${sort}`);
      }
    },
  );

  it('keeps the cursor of the newest-first listing a ticket id, as before sorts', () => {
    expect(ticketCursor('newest', [42])).toBe('42');
    expect(readTicketCursor('newest', '42')).toEqual(ok([42]));
  });

  it.each([
    '',
    'abc',
    '0',
    'due',
    'due.1',
    'due.1.2.3',
    'due.a.1',
    'due.1.99999999999999999',
    'up.1.2',
    '1.5',
  ])('refuses %j as no cursor of sort=due', (cursor) => {
    expect(readTicketCursor('due', cursor).isErr()).toBe(true);
  });

  it('names the sort a cursor belongs to', () => {
    expect(readTicketCursor('urgent', 'due.5.7')).toEqual(
      err('is a cursor of sort=due, not of sort=urgent: ask for the first page of sort=urgent again'),
    );
  });
});

describe('the search', () => {
  it.each([
    ['Muñoz', 'munoz'],
    ['  MARÍA   José ', 'maria jose'],
    ['Ñandú Çelik Øre', 'nandu celik øre'],
  ])('compares %j as %j', (text, searchable) => {
    expect(searchableText(text)).toBe(searchable);
  });

  it('reads a number, with or without #, as a ticket or service number, and any text as part of a name', () => {
    expect(ticketSearch(' #123 ')).toEqual({ name: '#123', number: '123' });
    expect(ticketSearch('123')).toEqual({ name: '123', number: '123' });
    expect(ticketSearch('Peña 12')).toEqual({ name: 'pena 12', number: undefined });
  });
});
