import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { admitActiveTicket, createCapacityRule } from './capacity.js';
import { invalidReferences, zoneFull } from './errors.js';
import { checkReferences } from './tickets.js';

const zone = { zone_id: 2, name: 'Centro', max_active_tickets: null };
const service = { service_id: 100, zone_id: 2, customer_name: null };
const technician = { technician_id: 5, name: 'Ana', active: true };
const refs = { service_id: 100, technician_id: 5, zone_id: 2 };

describe('the zone capacity rule', () => {
  const rule = createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [2, 1, 1] });

  it('uses the default limit unless the zone has its own', () => {
    expect(rule.limitFor(zone)).toBe(3);
    expect(rule.limitFor({ ...zone, max_active_tickets: 10 })).toBe(10);
  });

  it('knows which statuses are active, each once', () => {
    expect(rule.activeStatuses).toEqual([1, 2]);
    expect([1, 2, 3, 4].map((s) => rule.isActive(s as 1 | 2 | 3 | 4))).toEqual([true, true, false, false]);
  });

  it('refuses a fourth active ticket in a zone of three', () => {
    expect(admitActiveTicket(rule, zone, 2)).toEqual(ok(undefined));
    expect(admitActiveTicket(rule, zone, 3)).toEqual(err(zoneFull(2, 3, 3)));
    expect(admitActiveTicket(rule, { ...zone, max_active_tickets: 1 }, 1)).toEqual(err(zoneFull(2, 1, 1)));
  });
});

describe('checkReferences', () => {
  it('accepts a known service of the named zone and an active technician', () => {
    const context = { zone, service, technician, activeTickets: 1 };
    expect(checkReferences(refs, context)).toEqual(ok(context));
  });

  it('names every refused reference with its field', () => {
    const refused = checkReferences(refs, {
      zone: undefined,
      service: undefined,
      technician: { ...technician, active: false },
      activeTickets: 0,
    });
    expect(refused).toEqual(
      err(
        invalidReferences([
          { field: 'service_id', code: 'unknown_service', id: 100, message: 'service_id: no service 100' },
          {
            field: 'technician_id',
            code: 'inactive_technician',
            id: 5,
            message: 'technician_id: technician 5 is inactive',
          },
          { field: 'zone_id', code: 'unknown_zone', id: 2, message: 'zone_id: no zone 2' },
        ]),
      ),
    );
  });

  it('refuses a service that belongs to another zone, so the zone limit cannot be dodged', () => {
    const refused = checkReferences(
      { ...refs, zone_id: 3 },
      { zone: { ...zone, zone_id: 3 }, service, technician, activeTickets: 0 },
    );
    expect(refused._unsafeUnwrapErr().problems).toEqual([
      {
        field: 'zone_id',
        code: 'service_in_other_zone',
        id: 3,
        message: 'zone_id: service 100 belongs to zone 2, not 3',
      },
    ]);
  });
});
