/** tRPC calls: procedure names (real, prototype keys, junk), inputs made for them and mutated, batches. */
import { fc } from '@fast-check/vitest';
import { bodyArb, contentTypeArb, validCreateArb, validUpdateArb, validZoneArb } from './body-arbitraries.js';
import { asRaw, contentTypeHeader, type Hostile, jsonBody, type Members, Raw } from './request.js';

/** Procedures of the router, by their full names. */
const PROCEDURES = [
  'tickets.create',
  'tickets.get',
  'tickets.history',
  'tickets.list',
  'tickets.counts',
  'tickets.update',
  'tickets.subjects',
  'tickets.statuses',
  'tickets.retryDelivery',
  'zones.capacities',
  'sync.wisphub',
  'zones.capacity',
  'zones.save',
  'zones.list',
  'technicians.save',
  'technicians.list',
  'technicians.workload',
  'services.save',
  'services.list',
];

/** A procedure name: a real one, a prototype key or a near miss, or dot-joined junk. */
const procedureArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROCEDURES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      'tickets',
      'zones',
      '__proto__',
      'constructor',
      'tickets.__proto__',
      'tickets.constructor',
      'tickets.create.x',
      'tickets..create',
      '.tickets.create',
      'tickets.create.',
      'toString',
      'tickets.toString',
      'hasOwnProperty',
      '_def',
      'tickets._def',
      '_def.procedures',
      'createCaller',
      'valueOf',
      'Tickets.Create',
      '%74ickets.create',
      'tickets%2Ecreate',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom('tickets', 'zones', 'create', 'save', '__proto__'),
          fc.string({ maxLength: 8 }),
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((parts) => parts.map(encodeURIComponent).join('.')),
  },
);

/** Inputs of tickets.update and zones.save: the REST body with the id in it. */
const validUpdateStatusArb: fc.Arbitrary<Members> = fc
  .tuple(fc.constantFrom(1, 2, 3, 9), validUpdateArb)
  .map(([id, members]): Members => [['ticket_id', id], ...members]);
const validZoneSaveArb: fc.Arbitrary<Members> = fc
  .tuple(fc.constantFrom(1, 2, 7), validZoneArb)
  .map(([id, members]): Members => [['zone_id', id], ...members]);

/** An input for a tRPC call: valid for one of the writing procedures and mutated, or any JSON. */
const trpcInputArb: fc.Arbitrary<Raw> = fc
  .oneof(
    { weight: 3, arbitrary: bodyArb(validCreateArb) },
    { weight: 3, arbitrary: bodyArb(validUpdateStatusArb) },
    { weight: 3, arbitrary: bodyArb(validZoneSaveArb) },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  )
  .map((body) => asRaw(body));

/** A writing procedure with an input made for it (mutated), or any procedure name with any input. */
const trpcCallArb: fc.Arbitrary<{ procedure: string; input: Raw }> = fc.oneof(
  ...(
    [
      ['tickets.create', validCreateArb],
      ['tickets.update', validUpdateStatusArb],
      ['zones.save', validZoneSaveArb],
    ] as const
  ).map(([procedure, valid]) =>
    bodyArb(valid).map((body) => ({ procedure: procedure as string, input: asRaw(body) })),
  ),
  fc.record({ procedure: procedureArb, input: trpcInputArb }),
);

/** A tRPC request: one call (POST, GET or another method) or a batch. */
export const hostileTrpcRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
  // One call: POST with the input as the body, or GET with it in ?input=.
  fc
    .record({
      call: trpcCallArb,
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant('POST') },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS') },
      ),
      type: fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, contentTypeArb),
      rawQuery: fc.boolean(),
    })
    .map(({ call: { procedure, input }, method, type, rawQuery }) =>
      method === 'GET' || method === 'HEAD'
        ? {
            method,
            path: `/trpc/${procedure}?input=${rawQuery ? input.text : encodeURIComponent(input.text)}`,
            headers: [],
          }
        : { method, path: `/trpc/${procedure}`, headers: contentTypeHeader(type), body: input },
    ),
  // A batch: ?batch=1 with the inputs keyed by position (or junk instead of that object).
  fc
    .record({
      procedures: fc.array(procedureArb, { minLength: 1, maxLength: 4 }),
      inputs: fc.array(trpcInputArb, { maxLength: 4 }),
      junk: fc.option(
        fc.jsonValue().map((value) => new Raw(JSON.stringify(value))),
        { freq: 4 },
      ),
      method: fc.constantFrom('POST', 'GET'),
    })
    .map(({ procedures, inputs, junk, method }) => {
      const batch = junk ?? jsonBody(inputs.map((input, i) => [String(i), input]));
      const path = `/trpc/${procedures.join(',')}?batch=1`;
      return method === 'GET'
        ? { method, path: `${path}&input=${encodeURIComponent(batch.text)}`, headers: [] }
        : {
            method,
            path,
            headers: [['content-type', 'application/json']] as [string, string][],
            body: batch,
          };
    }),
);
