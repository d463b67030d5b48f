/**
 * Property-based tests of the whole HTTP surface against hostile input: mutated and random bodies,
 * headers, ids, paths, methods and tRPC calls, sent through `app.request()` to a fresh app over a
 * fresh memory store on every run.
 *
 * For every request: never a 5xx (nor a defect reported), an envelope of exactly the six keys (REST,
 * health, not found) or tRPC's own JSON shapes (under /trpc), the schema the route declares for the
 * status it answered, and a store left exactly as it was by any refused request.
 *
 * A failure prints fast-check's `seed` and `path`; replay it by passing them in the parameters of
 * that property, e.g. `{ ...params, seed: 123, path: '4:1', endOnFailure: true }`.
 *
 * Only the memory store is behind the desk here; the SQL stores are not exercised by these inputs.
 */
import { createRequire } from 'node:module';
import { fc, it } from '@fast-check/vitest';
import {
  type CapacityRule,
  type CreateContext,
  type CreateDecision,
  type CreateRequest,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  noHolidays,
  type TicketStore,
  type UpdateContext,
  type UpdateDecision,
} from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { getPath } from 'hono/utils/url';
import type { Result } from 'neverthrow';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { type ApiKey, createAuthenticator } from './auth.js';
import { errorMetaSchema } from './envelope.js';
import { createHttpApp, MAX_BODY_BYTES } from './http-app.js';
import { declaredRouteOf, declaredSchema } from './testing/routes.js';

// ---------------------------------------------------------------------------------------------
// Fixture: a desk over the memory store (every write recorded), a fixed clock, a few rows.

const NOW = Date.UTC(2026, 1, 26, 15);
const TICKETS_KEY = 'crm-0123456789abcdef';
const ADMIN_KEY = 'ops-fedcba9876543210';
const API_KEYS: readonly ApiKey[] = [
  { name: 'crm', key: TICKETS_KEY, scope: 'tickets' },
  { name: 'ops', key: ADMIN_KEY, scope: 'admin' },
];
/** Each property test's time limit; the runs themselves take a fraction of it. */
const TIMEOUT_MS = 60_000;

const calendar = createBusinessCalendar({
  timeZone: 'America/Bogota',
  weekdays: [1, 2, 3, 4, 5],
  holidays: noHolidays,
})._unsafeUnwrap();
const subjects = createSubjectCatalogue(defaultSubjects)._unsafeUnwrap();
const allSubjects = Object.values(defaultSubjects).flat();

/** The priority code a subject has in the catalogue, read from `defaultSubjects` itself. */
function cataloguePriority(subject: string): string {
  const entry = Object.entries(defaultSubjects).find(([, list]) => list?.includes(subject));
  if (entry === undefined) throw new Error(`not a catalogue subject: ${subject}`);
  return entry[0];
}

/** A store that records each write it carries out (a create or change that the desk refused writes nothing). */
function recordingWrites(store: TicketStore, writes: string[]): TicketStore {
  const note =
    <A extends unknown[], R>(name: string, write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      writes.push(name);
      return write(...args);
    };
  return {
    ...store,
    async createTicket<E>(
      request: CreateRequest,
      rule: CapacityRule,
      decide: (context: CreateContext) => Result<CreateDecision, E>,
    ) {
      const result = await store.createTicket(request, rule, decide);
      if (result.isOk() && !result.value.replayed)
        writes.push(`createTicket ${result.value.ticket.ticket_id}`);
      return result;
    },
    async updateTicket<E>(
      ticketId: number,
      rule: CapacityRule,
      decide: (context: UpdateContext) => Result<UpdateDecision, E>,
    ) {
      const result = await store.updateTicket(ticketId, rule, decide);
      if (result.isOk()) writes.push(`updateTicket ${ticketId}`);
      return result;
    },
    purgeIdempotencyKeys: note('purgeIdempotencyKeys', store.purgeIdempotencyKeys),
    saveZone: note('saveZone', store.saveZone),
    saveZones: note('saveZones', store.saveZones),
    saveTechnician: note('saveTechnician', store.saveTechnician),
    saveTechnicians: note('saveTechnicians', store.saveTechnicians),
    saveService: note('saveService', store.saveService),
    saveServices: note('saveServices', store.saveServices),
  };
}

/** Everything the store holds that its methods can list. */
async function snapshotOf(store: TicketStore) {
  const all = { limit: 1_000_000 };
  const tickets = await store.listTickets(all);
  return {
    tickets,
    events: await Promise.all(tickets.map((t) => store.listTicketEvents(t.ticket_id, all))),
    zones: await store.listZones(all),
    technicians: await store.listTechnicians(all),
    services: await store.listServices(all),
  };
}

/**
 * Zone 1 has room (limit 5, one active ticket: 1; 3 is resolved). Zone 2 is full (limit 1, ticket 4
 * active), so reopening its resolved ticket 2 is refused. Technician 2 is inactive.
 */
async function fixture({ keys = false }: { keys?: boolean } = {}) {
  const base = createMemoryTicketStore();
  const writes: string[] = [];
  const store = recordingWrites(base, writes);
  const desk = createTicketDesk({
    store,
    clock: { now: () => NOW },
    calendar,
    subjects,
    capacity: createCapacityRule({ maxActiveTicketsPerZone: 5, activeStatuses: [1, 2] }),
    resolutionDays: 3,
  });
  await base.saveZone({ zone_id: 1, name: 'Centro', max_active_tickets: null });
  await base.saveZone({ zone_id: 2, name: 'Norte', max_active_tickets: 1 });
  await base.saveTechnician({ technician_id: 1, name: 'Ana', active: true });
  await base.saveTechnician({ technician_id: 2, name: 'Beto', active: false });
  await base.saveService({ service_id: 1, zone_id: 1, customer_name: 'Luis' });
  await base.saveService({ service_id: 2, zone_id: 2, customer_name: null });
  const zone1 = { service_id: 1, technician_id: 1, zone_id: 1 };
  const zone2 = { service_id: 2, technician_id: 1, zone_id: 2 };
  (await desk.openTicket({ ...zone1, subject: 'Falla Masiva', description: 'Caído' }))._unsafeUnwrap();
  (await desk.openTicket({ ...zone2, subject: 'Cancelación', description: 'x' }))._unsafeUnwrap();
  (await desk.changeStatus(2, { status: 3 }))._unsafeUnwrap();
  (await desk.openTicket({ ...zone1, subject: 'Internet Lento', description: 'Lento' }))._unsafeUnwrap();
  (await desk.changeStatus(3, { status: 3, answer_text: 'Listo' }))._unsafeUnwrap();
  (await desk.openTicket({ ...zone2, subject: 'Troncal Dañado', description: 'y' }))._unsafeUnwrap();
  writes.length = 0;

  const defects: unknown[] = [];
  const app = createHttpApp({
    desk,
    authenticator: createAuthenticator(keys ? API_KEYS : []),
    onDefect: (error) => defects.push(error),
  });
  return { app, base, writes, defects, snapshot: () => snapshotOf(base) };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

// ---------------------------------------------------------------------------------------------
// Requests as plain data (what fast-check prints on failure), and sending them.

/**
 * JSON text kept verbatim (numbers JSON.stringify cannot write: `1e400`, `-0`, 30 digits), shown in
 * counterexamples by its label (a body of 60 KiB is shown as what it is made of).
 */
class Raw {
  constructor(
    readonly text: string,
    readonly label = text,
  ) {}
  [fc.toStringMethod]() {
    return `Raw(${this.label})`;
  }
}

/** A JSON object as its members, in order; a key may repeat (JSON.parse keeps the last). */
type Members = [string, unknown][];

/** JSON text of a value; `show` writes each Raw as its label instead, for counterexamples. */
function toJson(value: unknown, show = false): string {
  if (value instanceof Raw) return show ? value.label : value.text;
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v, show)).join(',')}]`;
  if (value !== null && typeof value === 'object') return membersToJson(Object.entries(value), show);
  return JSON.stringify(value) ?? 'null';
}

const membersToJson = (members: Members, show = false) =>
  `{${members.map(([key, value]) => `${JSON.stringify(key)}:${toJson(value, show)}`).join(',')}}`;

/** A JSON object body, shown in counterexamples with its long parts abbreviated. */
const jsonBody = (members: Members) => new Raw(membersToJson(members), membersToJson(members, true));

/** A string of `n` times `char`, as a JSON value. */
const long = (char: string, n: number) => new Raw(JSON.stringify(char.repeat(n)), `"${char}"×${n}`);

interface Hostile {
  readonly method: string;
  /** Path and query, appended to http://localhost as they are (the URL parser normalizes them). */
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  /** Sent as bytes, so no Content-Type is added that the headers do not name. */
  readonly body?: Body | undefined;
}
type Body = string | Uint8Array | Raw;

const bytesOf = (body: Body): Uint8Array =>
  body instanceof Uint8Array ? body : new TextEncoder().encode(body instanceof Raw ? body.text : body);

function toRequest({ method, path, headers, body }: Hostile): Request {
  const bytes = body === undefined ? undefined : bytesOf(body);
  return new Request(`http://localhost${path}`, {
    method,
    headers: headers.map(([name, value]) => [name, value]),
    body: method === 'GET' || method === 'HEAD' ? undefined : bytes,
  });
}

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);
const ENVELOPE_KEYS = ['action', 'data', 'message', 'meta', 'ok', 'type'];

const envelopeSchema = z.strictObject({
  ok: z.boolean(),
  type: z.enum(['success', 'error', 'info']),
  action: z.string().min(1),
  data: z.unknown(),
  message: z.string().nullable(),
  meta: z.union([errorMetaSchema, z.strictObject({ replayed: z.literal(true) })]).nullable(),
});

const trpcErrorSchema = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    code: z.int(),
    data: z.looseObject({
      code: z.string(),
      httpStatus: z.int(),
      zodIssues: z.unknown(),
      errors: z.unknown(),
    }),
  }),
});
const trpcResultSchema = z.strictObject({ result: z.strictObject({ data: z.unknown() }) });
const trpcItemSchema = z.union([trpcErrorSchema, trpcResultSchema]);

const isTrpc = (request: Request) => /^\/trpc(?:\/|$)/.test(getPath(request));

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

interface Answer {
  readonly request: Request;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (undefined when empty). */
  readonly body: unknown;
  /** Whether the request was refused: an HTTP error, or (tRPC) only error results and refusal envelopes. */
  readonly refused: boolean;
}

/** The API's own description and its reference page: a document, not an envelope, when they are found. */
const isDocumentation = (request: Request) => /^\/(?:openapi\.json|docs)(?:\/|$)/.test(getPath(request));

/** Checks a REST (or health, or not found) answer; returns whether it refused the request. */
function inspectRest(request: Request, status: number, headers: Headers, text: string): boolean {
  if (request.method === 'HEAD') {
    expect(text).toBe('');
    return status >= 400;
  }
  if (isDocumentation(request) && (status === 200 || status === 304)) {
    expect(request.method).toBe('GET');
    return false;
  }
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  const body = parseJson(text, `${request.method} ${request.url} → ${status}`) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
  envelopeSchema.parse(body);
  expect(body.ok).toBe(status < 400);
  if (status < 400) expect(body.type).toBe('success');
  const declared = declaredRouteOf(request.method, getPath(request));
  if (declared !== undefined) {
    // Parsing drops keys a schema does not know, so equality also catches undeclared fields.
    expect(declaredSchema(declared.route, status).parse(body)).toEqual(body);
  }
  return status >= 400;
}

/** Checks a tRPC answer (one result or error, or a batch of them); returns whether it refused the request. */
function inspectTrpc(request: Request, status: number, text: string): boolean {
  if (text === '') {
    // HEAD and OPTIONS: tRPC answers 204 without running a procedure.
    expect(['HEAD', 'OPTIONS']).toContain(request.method);
    return true;
  }
  const body = parseJson(text, `${request.method} ${request.url} → ${status}`);
  if (status === 413) {
    // The body limit sits in front of tRPC (http-app.ts) and answers with the REST envelope.
    expect(body).toEqual(envelopeSchema.parse(body));
    expect(body).toMatchObject({ ok: false, action: 'payload_too_large' });
    return true;
  }
  const items = Array.isArray(body) ? body : [body];
  expect(items.length).toBeGreaterThan(0);
  let refused = status >= 400;
  let allRefused = true;
  for (const item of items) {
    const parsed = trpcItemSchema.parse(item);
    if ('error' in parsed) {
      expect(parsed.error.data).not.toHaveProperty('stack');
      expect(parsed.error.data.httpStatus).toBeLessThan(500);
      if (!Array.isArray(body)) expect(parsed.error.data.httpStatus).toBe(status);
    } else {
      // Every procedure answers an envelope; a refusal (a full zone, say) comes back as a result.
      const envelope = envelopeSchema.parse(parsed.result.data);
      expect(Object.keys(envelope).sort()).toEqual(ENVELOPE_KEYS);
      if (envelope.ok) allRefused = false;
      else expect(envelope.type).not.toBe('success');
    }
  }
  if (allRefused) refused = true;
  if (!Array.isArray(body) && 'error' in (body as object)) expect(status).toBeGreaterThanOrEqual(400);
  return refused;
}

/**
 * Sends one request and checks what holds for every request: below 500, no defect, the right shape,
 * and nothing written by a refused request nor by a method that reads.
 */
async function exchange(fx: Fixture, hostile: Hostile): Promise<Answer> {
  const request = toRequest(hostile);
  const before = await fx.snapshot();
  const writesBefore = fx.writes.length;
  const response = await fx.app.request(request);
  const text = await response.text();
  expect(response.status).toBeLessThan(500);
  expect(fx.defects).toEqual([]);
  const trpc = isTrpc(request);
  const refused = trpc
    ? inspectTrpc(request, response.status, text)
    : inspectRest(request, response.status, response.headers, text);
  if (refused || READ_ONLY_METHODS.has(request.method)) {
    expect(fx.writes.slice(writesBefore)).toEqual([]);
    expect(await fx.snapshot()).toEqual(before);
  }
  return {
    request,
    status: response.status,
    headers: response.headers,
    text,
    // Checked above wherever JSON is due; the documentation pages are CSS, JavaScript and HTML.
    body: isDocumentation(request) ? undefined : text === '' ? undefined : JSON.parse(text),
    refused,
  };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** Header values the platform lets through: bytes 1–255 but CR and LF (Headers refuses those and NUL). */
const headerCharArb = fc
  .integer({ min: 1, max: 255 })
  .filter((code) => code !== 10 && code !== 13)
  .map((code) => String.fromCharCode(code));
const headerValueArb = fc.oneof(
  fc.string({ unit: headerCharArb, maxLength: 40 }),
  // Unicode as it arrives on the wire: its UTF-8 bytes, one Latin-1 character each.
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  fc.constantFrom('', ' ', '\t', '\x01\x02\x7f', 'null', 'undefined', '0', '-1', 'é', '\xa0', 'a, b'),
  fc.integer({ min: 129, max: 1_000 }).map((n) => 'k'.repeat(n)),
);

const hostileStringArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'undefined',
    'true',
    '1',
    '1e3',
    '0x10',
    '007',
    '-1',
    '1.5',
    '9007199254740993',
    '１',
    '٣',
    '\u0000',
    '\uFEFF',
    '\u202E',
    '\uD800',
    '<script>alert(1)</script>',
    "'; DROP TABLE tickets; --",
    '__proto__',
    'Falla Masiva',
    ' Falla Masiva ',
    'falla masiva',
    'Cerrado',
    '2030-01-01 00:00',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 195, max: 205 }).map((n) => 'ñ'.repeat(n)),
);

/** Strings around the longest a field takes (10 000 characters), as JSON values. */
const longStringArb = fc
  .tuple(fc.constantFrom('x', 'ñ', '😀'), fc.constantFrom(10_000, 10_001, 20_000))
  .map(([char, n]) => long(char, n));

const rawNumberArb = fc
  .constantFrom(
    '1e400',
    '-1e400',
    '1e-400',
    '1E0',
    '1.0',
    '1.000000000000000000001',
    '-0',
    '0.0000001',
    '2e0',
    '9007199254740993',
    '123456789012345678901234567890',
  )
  .map((text) => new Raw(text));

/** Arrays or objects nested thousands deep (within the 64 KiB limit, so the parser meets them). */
const deepArb = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 50, max: 10_000 }))
  .map(([open, depth]) => {
    const close = open === '[' ? ']' : '}';
    return new Raw(`${open.repeat(depth)}1${close.repeat(depth)}`, `${open}×${depth} 1 ${close}×${depth}`);
  });

/** Values of any JSON type that stay small. */
const smallHostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: hostileStringArb },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      -1,
      1,
      2,
      3,
      4,
      5,
      1.5,
      -0.5,
      2 ** 31,
      2 ** 53,
      2 ** 53 + 2,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      true,
      false,
      null,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 2, arbitrary: rawNumberArb },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
);

/** Values of any JSON type, now and then very long or very deep. */
const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: smallHostileValueArb },
  { weight: 1, arbitrary: longStringArb },
  { weight: 1, arbitrary: deepArb },
);

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
const validCreateArb = createBodyArb(fc.constant([1, 1, 1] as const));

/** Creates the domain may refuse: zone 2 is full, technician 2 inactive, service 2 is in zone 2. */
const anyCreateArb = createBodyArb(
  fc.constantFrom<Refs>([1, 1, 1], [1, 1, 1], [2, 1, 2], [1, 2, 1], [2, 1, 1], [1, 1, 7]),
);

const validUpdateArb: fc.Arbitrary<Members> = fc
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

const validZoneArb: fc.Arbitrary<Members> = fc
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
const bodyArb = (validArb: fc.Arbitrary<Members>): fc.Arbitrary<Body> =>
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

const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
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

const contentTypeHeader = (type: string | undefined): [string, string][] =>
  type === undefined ? [] : [['content-type', type]];

/** A path segment where an id goes: junk of every kind, now and then a real id. */
const segmentArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%00',
      '%',
      '%zz',
      '%2F',
      '%2e%2e',
      '%E0%A4%A',
      '0',
      '-0',
      '-1',
      '1.5',
      '1.0',
      '1e3',
      '1E3',
      '0x10',
      '0b1',
      '007',
      '+1',
      ' 1',
      '%201',
      '1%00',
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '99999999999999999999',
      'Infinity',
      'NaN',
      'null',
      '__proto__',
      'constructor',
      'subjects',
      'history',
      'zone-blocked',
      '１',
      '%EF%BC%91',
      '٣',
      '',
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 400, max: 2_000 }).map((n) => '9'.repeat(n)) },
);

/** The version in the reference page's asset paths (/docs/assets/<version>/<file>). */
const SWAGGER_UI_VERSION = (
  createRequire(import.meta.url)('swagger-ui-dist/package.json') as { version: string }
).version;

const ID_TEMPLATES = [
  '/api/v1/tickets/{}',
  '/api/v1/tickets/{}/history',
  '/api/v1/tickets/zone-blocked/{}',
  '/api/v1/zones/{}',
  '/api/v1/zones/{}/capacity',
  '/api/v1/technicians/{}',
  '/api/v1/services/{}',
  '/api/v1/{}',
  '/api/{}/tickets',
  '/{}',
  '/trpc/{}',
  '/docs/{}',
  `/docs/assets/${SWAGGER_UI_VERSION}/{}`,
];

const FIXED_PATHS = [
  '/',
  '/api',
  '/api/',
  '/api/v1',
  '/api/v1/',
  '/api/v1/tickets',
  '/api/v1/tickets/',
  '/api/v1/tickets/subjects',
  '/api/v1/zones',
  '/api/v1/technicians',
  '/api/v1/services',
  '/API/V1/TICKETS',
  '/api//v1/tickets',
  '/api/v1/tickets/1/',
  '/api/v1/tickets/1/history/x',
  '/healthz',
  '/readyz',
  '/trpc',
  '/openapi.json',
  '/openapi.json/',
  '/docs',
  '/docs/',
  `/docs/assets/${SWAGGER_UI_VERSION}/swagger-ui.css`,
];

const queryValueArb = fc.oneof(segmentArb, fc.constantFrom('1', '50', '500', '501', '0', '1,2', '[1]', '{}'));
const queryArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('limit', 'cursor', 'zone_id', 'status', 'batch', 'input', 'limit[]', '__proto__'),
        fc.string({ maxLength: 6 }).map(encodeURIComponent),
      ),
      queryValueArb,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const pathArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...ID_TEMPLATES), segmentArb).map(([template, id]) => template.replace('{}', id)),
  fc.constantFrom(...FIXED_PATHS),
  fc.array(segmentArb, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
);

const methodArb = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PURGE',
  'patch',
);

// ---------------------------------------------------------------------------------------------
// 1. Bodies.

const BODY_ROUTES = [
  { method: 'POST', template: '/api/v1/tickets', valid: anyCreateArb },
  { method: 'PATCH', template: '/api/v1/tickets/{}', valid: validUpdateArb },
  { method: 'PUT', template: '/api/v1/zones/{}', valid: validZoneArb },
  { method: 'PUT', template: '/api/v1/technicians/{}', valid: validTechnicianArb },
  { method: 'PUT', template: '/api/v1/services/{}', valid: validServiceArb },
] as const;

const bodyIdArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('1', '2', '3', '4', '9') }, segmentArb);

const hostileBodyRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
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

describe('hostile bodies on every route that takes one', () => {
  it.prop({ hostile: hostileBodyRequestArb }, { numRuns: 1000 })(
    'never a 5xx, always an envelope of the declared shape, and a refused request writes nothing',
    async ({ hostile }) => {
      await exchange(await fixture(), hostile);
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 2. A create never takes its status or priority (nor dates, nor id) from the body.

const overrideValueArb = fc.oneof(
  fc.constantFrom(1, 2, 3, 4, 0, 5, '4', 'Cerrado', 'Muy Alta', '2030-01-01 00:00', 0, 1e15, -1),
  fc.record({ status: fc.constantFrom(2, 3, 4), priority: fc.constantFrom(1, 4) }),
  smallHostileValueArb,
);
const overridesArb = fc.array(
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

const createRequest = (transport: 'rest' | 'trpc', members: Members): Hostile => ({
  method: 'POST',
  path: transport === 'rest' ? '/api/v1/tickets' : '/trpc/tickets.create',
  headers: [['content-type', 'application/json']],
  body: jsonBody(members),
});

/** The ticket view a create answered with, over REST or tRPC. */
function createdTicket(transport: 'rest' | 'trpc', answer: Answer): Record<string, unknown> {
  const envelope = (
    transport === 'rest' ? answer.body : (answer.body as { result: { data: unknown } }).result.data
  ) as {
    action: string;
    data: Record<string, unknown>;
  };
  expect(envelope.action).toBe('ticket_created');
  return envelope.data;
}

describe('a create with status, priority, dates or ids in its body', () => {
  it.prop(
    {
      transport: fc.constantFrom('rest' as const, 'trpc' as const),
      valid: validCreateArb,
      extras: overridesArb,
    },
    { numRuns: 200 },
  )(
    'takes none of them: status 1 and the priority of its subject, as if they were not sent',
    async ({ transport, valid, extras }) => {
      const members: Members = [...valid];
      for (const [key, value, first] of extras) {
        if (first) members.unshift([key, value]);
        else members.push([key, value]);
      }
      const hostile = await fixture();
      const answer = await exchange(hostile, createRequest(transport, members));
      expect(answer.status).toBe(transport === 'rest' ? 201 : 200);
      const ticket = createdTicket(transport, answer);
      const subject = valid.find(([key]) => key === 'subject')?.[1] as string;
      expect(ticket).toMatchObject({
        status: 1,
        status_ticket: 'Abierto',
        priority: cataloguePriority(subject),
      });

      // The same create without the extra keys, on a twin store: same answer, same rows, same history.
      const twin = await fixture();
      const clean = await exchange(twin, createRequest(transport, valid));
      expect(ticket).toEqual(createdTicket(transport, clean));
      expect(await hostile.snapshot()).toEqual(await twin.snapshot());
      const stored = await hostile.base.getTicket(ticket.ticket_id as number);
      expect(stored).toMatchObject({
        status: 1,
        priority: Number(cataloguePriority(subject)),
        created_at: NOW,
      });
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 3. Random ids, paths, queries and methods.

const hostileRouteRequestArb: fc.Arbitrary<Hostile> = fc
  .record({
    method: methodArb,
    path: pathArb,
    query: fc.option(queryArb, { nil: '', freq: 2 }),
    body: fc.option(bodyArb(validZoneArb), { nil: undefined }),
    type: contentTypeArb,
  })
  .map(({ method, path, query, body, type }) => ({
    method,
    path: path + query,
    headers: contentTypeHeader(type),
    body,
  }));

const listPathArb = fc.constantFrom(
  '/api/v1/tickets',
  '/api/v1/zones',
  '/api/v1/technicians',
  '/api/v1/services',
  '/api/v1/tickets/subjects',
);

describe('random ids, paths, queries and methods', () => {
  it.prop({ hostile: hostileRouteRequestArb }, { numRuns: 800 })(
    'never a 5xx, an envelope off /trpc (none on HEAD), and nothing written unless a write succeeded',
    async ({ hostile }) => {
      await exchange(await fixture(), hostile);
    },
    TIMEOUT_MS,
  );

  it.prop({ path: listPathArb, query: queryArb }, { numRuns: 300 })(
    'list routes refuse junk filters and pages with 400, or answer a page',
    async ({ path, query }) => {
      const answer = await exchange(await fixture(), { method: 'GET', path: path + query, headers: [] });
      expect([200, 400]).toContain(answer.status);
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 4. Hostile headers.

/** Any request to a known route, with a body that is valid for it where it takes one. */
const knownRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
  ...BODY_ROUTES.map((route) =>
    fc.tuple(fc.constantFrom('1', '3', '7'), route.valid).map(([id, members]) => ({
      method: route.method,
      path: route.template.replace('{}', id),
      headers: [['content-type', 'application/json']] as [string, string][],
      body: jsonBody(members),
    })),
  ),
  fc
    .constantFrom(
      '/api/v1/tickets',
      '/api/v1/tickets/1',
      '/api/v1/tickets/1/history',
      '/api/v1/tickets/subjects',
      '/api/v1/tickets/zone-blocked/2',
      '/api/v1/zones/1/capacity',
      '/api/v1/zones',
      '/api/v1/technicians',
      '/api/v1/services',
      '/api/v1/nowhere',
      '/healthz',
      '/trpc/tickets.list',
      '/trpc/zones.list',
      '/trpc/tickets.get?input=%7B%22ticket_id%22%3A1%7D',
    )
    .map((path) => ({ method: 'GET', path, headers: [] })),
  validCreateArb.map((members) => createRequest('trpc', members)),
);

const withHeader = (hostile: Hostile, name: string, value: string | undefined): Hostile =>
  value === undefined ? hostile : { ...hostile, headers: [...hostile.headers, [name, value]] };

const KEY_CASES = [TICKETS_KEY, ADMIN_KEY];
const authorizationArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.constantFrom('Api-Key', 'Bearer', 'api-key', 'bearer'), fc.constantFrom(...KEY_CASES))
    .map(([scheme, key]) => `${scheme} ${key}`),
  headerValueArb,
  fc
    .tuple(
      fc.constantFrom('Api-Key', 'api-key', 'BEARER', 'Bearer', 'Basic', 'ApiKey', 'Token', '', 'Bearer:'),
      fc.constantFrom(' ', '  ', '\t', '\xa0', '\x0b', ''),
      fc.oneof(
        fc.constantFrom(...KEY_CASES),
        fc
          .constantFrom(...KEY_CASES)
          .chain((key) =>
            fc.constantFrom(
              `${key}x`,
              key.slice(0, -1),
              key.toUpperCase(),
              ` ${key} `,
              `${key} ${key}`,
              `${key},${key}`,
              `"${key}"`,
              Buffer.from(key).toString('base64'),
            ),
          ),
        headerValueArb,
      ),
    )
    .map(([scheme, space, key]) => `${scheme}${space}${key}`),
);

/** The configured key an Authorization header carries, as the API documents it: `<scheme> <key>`. */
function keyIn(authorization: string | null): string | undefined {
  if (authorization === null) return undefined;
  // The scheme must come first: only trailing whitespace is allowed around `<scheme> <key>`.
  const [scheme, key, ...rest] = authorization.replace(/\s+$/, '').split(/\s+/);
  if (rest.length > 0 || key === undefined || !/^(?:api-key|bearer)$/i.test(scheme ?? '')) return undefined;
  return KEY_CASES.includes(key) ? key : undefined;
}

const isApiPath = (request: Request) => getPath(request).startsWith('/api/');

/** The tRPC error code, or the REST action, an answer carries. */
const codeOf = (answer: Answer): string | undefined => {
  const body = answer.body as { action?: string; error?: { data: { code: string } } } | undefined;
  return body?.error?.data.code ?? body?.action;
};

const VALID_IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const idempotencyKeyArb = fc.oneof(
  headerValueArb,
  fc.constantFrom('', ' ', 'a b', 'crm-7f3a9c2e', '\tkey\t', '\x01', '\x7f', 'ñ', '%20'),
  fc.integer({ min: 250, max: 260 }).map((n) => 'k'.repeat(n)),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1 }),
);

const contentLengthArb = (body: Body | undefined) => {
  const length = body === undefined ? 0 : bytesOf(body).length;
  return fc.oneof(
    fc.constantFrom(
      '0',
      '-1',
      '1.5',
      '1e9',
      ' 10',
      '10 ',
      '0x10',
      'abc',
      '',
      '10, 10',
      '99999999999999999999999',
    ),
    fc.integer({ min: -5, max: 5 }).map((delta) => String(Math.max(0, length + delta))),
    fc.integer({ min: 0, max: 2 * MAX_BODY_BYTES }).map(String),
    fc.constantFrom(String(MAX_BODY_BYTES), String(MAX_BODY_BYTES + 1)),
    headerValueArb,
  );
};

const REQUEST_ID = /^[\w=-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('hostile headers', () => {
  it.prop({ hostile: knownRequestArb, authorization: authorizationArb }, { numRuns: 300 })(
    'with API keys: no configured key, no access (401) and nothing written; a documented one gets past',
    async ({ hostile, authorization }) => {
      const fx = await fixture({ keys: true });
      const answer = await exchange(fx, withHeader(hostile, 'authorization', authorization));
      const key = keyIn(answer.request.headers.get('authorization'));
      const carriesNoKey = !KEY_CASES.some((k) => (authorization ?? '').includes(k));
      const guarded = isApiPath(answer.request) || isTrpc(answer.request);
      if (guarded && (key === undefined || carriesNoKey)) {
        expect(answer.status).toBe(401);
        expect(codeOf(answer)).toMatch(/^(unauthorized|UNAUTHORIZED)$/);
        if (!isTrpc(answer.request)) expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
      if (key !== undefined) expect(answer.status).not.toBe(401);
      if (key === TICKETS_KEY && hostile.method === 'PUT') expect(answer.status).toBe(403);
    },
    TIMEOUT_MS,
  );

  it.prop({ hostile: knownRequestArb, authorization: authorizationArb }, { numRuns: 150 })(
    'without API keys: Authorization is ignored, whatever it holds',
    async ({ hostile, authorization }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'authorization', authorization));
      const plain = await exchange(await fixture(), hostile);
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: plain.status,
        body: plain.body,
      });
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      transport: fc.constantFrom('rest' as const, 'trpc' as const),
      valid: validCreateArb,
      key: idempotencyKeyArb,
    },
    { numRuns: 200 },
  )(
    'Idempotency-Key: a malformed one is refused with 400 and creates nothing; a retry replays',
    async ({ transport, valid, key }) => {
      const fx = await fixture();
      const hostile = withHeader(createRequest(transport, valid), 'idempotency-key', key);
      const answer = await exchange(fx, hostile);
      const sent = answer.request.headers.get('idempotency-key');
      if (sent !== null && !VALID_IDEMPOTENCY_KEY.test(sent)) {
        expect(answer.status).toBe(400);
        expect(answer.text.toLowerCase()).toContain('idempotency-key');
        return;
      }
      expect(answer.status).toBe(transport === 'rest' ? 201 : 200);
      const first = createdTicket(transport, answer);
      const writes = fx.writes.length;
      const retry = await exchange(fx, hostile);
      expect(createdTicket(transport, retry)).toEqual(first);
      expect(fx.writes.length).toBe(sent === null ? writes + 1 : writes);
      if (transport === 'rest' && sent !== null)
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      request: hostileBodyRequestArb.chain((hostile) =>
        fc.tuple(fc.constant(hostile), contentLengthArb(hostile.body)),
      ),
    },
    { numRuns: 250 },
  )(
    'a Content-Length that does not match the body: never a 5xx; one declaring over 64 KiB is 413',
    async ({ request: [hostile, length] }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'content-length', length));
      const declared = answer.request.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES) {
        expect(answer.status).toBe(413);
        expect(codeOf(answer)).toBe('payload_too_large');
      }
    },
    TIMEOUT_MS,
  );

  it.prop(
    {
      hostile: fc.oneof(knownRequestArb, hostileRouteRequestArb),
      requestId: fc.oneof(
        headerValueArb,
        fc.constantFrom(
          'req-1',
          'a'.repeat(128),
          'a'.repeat(129),
          'a b',
          'a/b',
          'ü',
          '../../etc',
          '$' + '{jndi:ldap://x}',
        ),
        fc.string({ unit: fc.constantFrom(...'abcXYZ019_=.:-'), minLength: 1, maxLength: 130 }),
      ),
    },
    { numRuns: 250 },
  )(
    'X-Request-Id: echoed when it is a sane token, replaced by a fresh UUID otherwise',
    async ({ hostile, requestId }) => {
      const answer = await exchange(await fixture(), withHeader(hostile, 'x-request-id', requestId));
      const sent = answer.request.headers.get('x-request-id') ?? '';
      const echoed = answer.headers.get('x-request-id');
      if (REQUEST_ID.test(sent)) expect(echoed).toBe(sent);
      else {
        expect(echoed).toMatch(UUID);
        expect(echoed).not.toBe(sent);
      }
    },
    TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 5. tRPC.

const PROCEDURES = [
  'tickets.create',
  'tickets.get',
  'tickets.history',
  'tickets.list',
  'tickets.updateStatus',
  'tickets.subjects',
  'zones.capacity',
  'zones.save',
  'zones.list',
  'technicians.save',
  'technicians.list',
  'services.save',
  'services.list',
];

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

const validUpdateStatusArb: fc.Arbitrary<Members> = fc
  .tuple(fc.constantFrom(1, 2, 3, 9), validUpdateArb)
  .map(([id, members]): Members => [['ticket_id', id], ...members]);
const validZoneSaveArb: fc.Arbitrary<Members> = fc
  .tuple(fc.constantFrom(1, 2, 7), validZoneArb)
  .map(([id, members]): Members => [['zone_id', id], ...members]);

const asRaw = (body: Body): Raw =>
  body instanceof Raw ? body : new Raw(typeof body === 'string' ? body : new TextDecoder().decode(body));

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
      ['tickets.updateStatus', validUpdateStatusArb],
      ['zones.save', validZoneSaveArb],
    ] as const
  ).map(([procedure, valid]) =>
    bodyArb(valid).map((body) => ({ procedure: procedure as string, input: asRaw(body) })),
  ),
  fc.record({ procedure: procedureArb, input: trpcInputArb }),
);

const hostileTrpcRequestArb: fc.Arbitrary<Hostile> = fc.oneof(
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

describe('tRPC with hostile calls', () => {
  it.prop({ hostile: hostileTrpcRequestArb, keys: fc.boolean() }, { numRuns: 800 })(
    "never a 5xx, always tRPC's JSON shapes, and an error or a refusal writes nothing",
    async ({ hostile, keys }) => {
      const fx = await fixture({ keys });
      const answer = await exchange(
        fx,
        keys ? withHeader(hostile, 'authorization', `Api-Key ${ADMIN_KEY}`) : hostile,
      );
      if (answer.refused) expect(fx.writes).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
