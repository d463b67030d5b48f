/**
 * Request bodies: a valid body for each route that takes one, mutated (members dropped, replaced,
 * repeated, added), or junk, or far too large; the Content-Types they come with; whole hostile
 * requests to those routes.
 */
import { fc } from '@fast-check/vitest';
import { defaultSubjects } from '@tickets/domain';
import { MAX_BODY_BYTES } from '../../http-app.js';
import {
  type Body,
  contentTypeHeader,
  type Hostile,
  jsonBody,
  long,
  type Members,
  membersToJson,
} from './request.js';
import { headerValueArb, hostileValueArb, segmentArb, smallHostileValueArb } from './value-arbitraries.js';

const allSubjects = Object.values(defaultSubjects).flat();

/** Keys a body does not declare, some of which a careless handler would copy onto a ticket. */
const extraKeyArb = fc.oneof(
  fc.constantFrom(
    'status',
    'priority',
    'ticket_id',
    'created_at',
    'updated_at',
    'end_date',
    'status_ticket',
    'answer_text',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    'subject ',
    'SERVICE_ID',
  ),
  fc.string({ maxLength: 10 }),
);

type Mutation =
  | { readonly kind: 'plausible'; readonly at: number; readonly pick: number }
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'repeat'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown };

/**
 * Values of the right type that the domain may still refuse: unknown or inactive references, a
 * service of another zone, the full zone 2, an unknown subject, blanks, a missing ticket.
 */
const PLAUSIBLE: Readonly<Record<string, readonly unknown[]>> = {
  service_id: [1, 2, 3, 99, Number.MAX_SAFE_INTEGER],
  technician_id: [1, 2, 99],
  zone_id: [1, 2, 7, 99],
  ticket_id: [1, 2, 3, 9],
  subject: ['Falla Masiva', 'Troncal Dañado', 'Otra cosa', 'falla masiva', 'Falla  Masiva', ' '],
  description: ['d', '  d  ', ' '],
  status: [1, 2, 3, 4],
  answer_text: ['ok', ' ', null],
  name: ['Z', ' x ', ' '],
  max_active_tickets: [null, 1, 2, Number.MAX_SAFE_INTEGER],
  active: [true, false],
  customer_name: [null, 'Luis', ' '],
};

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('plausible' as const), at: fc.nat(), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValueArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), value: hostileValueArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: extraKeyArb,
      value: hostileValueArb,
    }),
  },
);

function mutate(members: Members, mutations: readonly Mutation[]): Members {
  const out: Members = members.map(([key, value]) => [key, value]);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    const member = out[at];
    if (m.kind === 'add') out.splice(m.at % (out.length + 1), 0, [m.key, m.value]);
    else if (member === undefined) continue;
    else if (m.kind === 'drop') out.splice(at, 1);
    else if (m.kind === 'plausible') {
      const choices = PLAUSIBLE[member[0]] ?? [member[1]];
      out[at] = [member[0], choices[m.pick % choices.length]];
    } else if (m.kind === 'replace') out[at] = [member[0], m.value];
    else out.push([member[0], m.value]);
  }
  return out;
}

const nameArb = fc.oneof(
  fc.constantFrom('Centro', 'Ana Gómez', 'Zona 7'),
  fc.string({ minLength: 1, maxLength: 30 }),
);

type Refs = readonly [service: number, technician: number, zone: number];

/** A create body of the right shape for these references. */
const createBodyArb = (refsArb: fc.Arbitrary<Refs>): fc.Arbitrary<Members> =>
  fc
    .record({
      refs: refsArb,
      subject: fc.constantFrom(...allSubjects),
      description: fc.oneof(
        fc.constantFrom('Caído', 'Cliente reporta intermitencia'),
        fc.string({ minLength: 1 }),
      ),
    })
    .filter(({ description }) => description.trim() !== '')
    .map(
      ({ refs: [service, technician, zone], subject, description }): Members => [
        ['service_id', service],
        ['subject', subject],
        ['description', description],
        ['technician_id', technician],
        ['zone_id', zone],
      ],
    );

/** A create that succeeds: zone 1 has room. */
export const validCreateArb = createBodyArb(fc.constant([1, 1, 1] as const));

/** Creates the domain may refuse: zone 2 is full, technician 2 inactive, service 2 is in zone 2. */
const anyCreateArb = createBodyArb(
  fc.constantFrom<Refs>([1, 1, 1], [1, 1, 1], [2, 1, 2], [1, 2, 1], [2, 1, 1], [1, 1, 7]),
);

/** A status change, with an answer now and then. */
export const validUpdateArb: fc.Arbitrary<Members> = fc
  .tuple(
    fc.constantFrom(1, 2, 3, 4),
    fc.option(fc.constantFrom('Se cambió el conector', 'ok'), { nil: undefined }),
  )
  .map(
    ([status, answer]): Members =>
      answer === undefined
        ? [['status', status]]
        : [
            ['status', status],
            ['answer_text', answer],
          ],
  );

/** A zone to save: a name, and a limit of its own now and then. */
export const validZoneArb: fc.Arbitrary<Members> = fc
  .tuple(nameArb, fc.option(fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 9 })), { nil: undefined }))
  .filter(([name]) => name.trim() !== '')
  .map(
    ([name, max]): Members =>
      max === undefined
        ? [['name', name]]
        : [
            ['name', name],
            ['max_active_tickets', max],
          ],
  );

/** A technician to save: a name, active or not now and then. */
const validTechnicianArb: fc.Arbitrary<Members> = fc
  .tuple(nameArb, fc.option(fc.boolean(), { nil: undefined }))
  .filter(([name]) => name.trim() !== '')
  .map(
    ([name, active]): Members =>
      active === undefined
        ? [['name', name]]
        : [
            ['name', name],
            ['active', active],
          ],
  );

/** A service to save: its zone, and a customer now and then. */
const validServiceArb: fc.Arbitrary<Members> = fc
  .tuple(fc.constantFrom(1, 2), fc.option(fc.oneof(fc.constant(null), nameArb), { nil: undefined }))
  .map(
    ([zone, customer]): Members =>
      customer === undefined || (customer !== null && customer.trim() === '')
        ? [['zone_id', zone]]
        : [
            ['zone_id', zone],
            ['customer_name', customer],
          ],
  );

/** A body: a valid one mutated, random JSON, random text, a cut-off valid one, a classic, or far too large. */
export const bodyArb = (validArb: fc.Arbitrary<Members>): fc.Arbitrary<Body> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(validArb, fc.array(mutationArb, { maxLength: 4 }))
        .map(([members, mutations]) => jsonBody(mutate(members, mutations))),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: validArb.chain((members) => {
        const text = membersToJson(members);
        return fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n));
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '}',
        '[]',
        'null',
        '"x"',
        '{"a":}',
        '{,}',
        "{'status': 1}",
        '{"status": NaN}',
        '\uFEFF{}',
        '{"__proto__":{"status":4,"priority":1}}',
        '{"constructor":{"prototype":{"status":4}}}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES + 64 }).map((n) =>
        jsonBody([
          ['name', long('x', n)],
          ['description', 'x'],
        ]),
      ),
    },
  );

/** Content-Type: mostly JSON, often a variant or another type, now and then junk or none. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=latin1',
      'application/vnd.api+json',
      'application/json;;',
      'application/json, text/plain',
      'text/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      '',
    ),
  },
  { weight: 1, arbitrary: headerValueArb },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Every route that takes a body, with the body it takes. */
export const BODY_ROUTES = [
  { method: 'POST', template: '/api/v1/tickets', valid: anyCreateArb },
  { method: 'PATCH', template: '/api/v1/tickets/{}', valid: validUpdateArb },
  { method: 'PUT', template: '/api/v1/zones/{}', valid: validZoneArb },
  { method: 'PUT', template: '/api/v1/technicians/{}', valid: validTechnicianArb },
  { method: 'PUT', template: '/api/v1/services/{}', valid: validServiceArb },
] as const;

const bodyIdArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('1', '2', '3', '4', '9') }, segmentArb);

/** A request to a route that takes a body, with a hostile body, id and Content-Type. */
export const hostileBodyRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
  ...BODY_ROUTES.map((route) =>
    fc
      .record({ id: bodyIdArb, body: bodyArb(route.valid), type: contentTypeArb })
      .map(({ id, body, type }) => ({
        method: route.method,
        path: route.template.replace('{}', id),
        headers: contentTypeHeader(type),
        body,
      })),
  ),
);

/** Values for the keys a create must not take from its body. */
const overrideValueArb = fc.oneof(
  fc.constantFrom(1, 2, 3, 4, 0, 5, '4', 'Cerrado', 'Muy Alta', '2030-01-01 00:00', 0, 1e15, -1),
  fc.record({ status: fc.constantFrom(2, 3, 4), priority: fc.constantFrom(1, 4) }),
  smallHostileValueArb,
);

/** Keys a create must ignore (status, priority, dates, ids), with values, put first or last. */
export const overridesArb = fc.array(
  fc.tuple(
    fc.constantFrom(
      'status',
      'priority',
      'status_ticket',
      'end_date',
      'created_at',
      'updated_at',
      'ticket_id',
      'answer_text',
      '__proto__',
      'constructor',
    ),
    overrideValueArb,
    fc.boolean(),
  ),
  { minLength: 1, maxLength: 6 },
);
