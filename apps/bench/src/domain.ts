// The domain alone, without HTTP: the create use case over the memory store, and the business
// calendar. A process of its own (spawned by bench.ts), so that what the orchestrator holds does
// not weigh on it. Takes a DomainSpec as JSON (argv[2]); prints one line of JSON: the DomainResult.

import {
  type BusinessCalendar,
  createBusinessCalendar,
  createCapacityRule,
  createSubjectCatalogue,
  createTicketDesk,
  defaultSubjects,
  type TicketDesk,
} from '@tickets/domain';
import { createDateHolidaysSource } from '@tickets/holidays';
import { createMemoryTicketStore } from '@tickets/store';
import { createBody, TECHNICIAN_ID, ZONE_LIMIT, ZONES } from './protocol.js';

export interface DomainSpec {
  /** Creates measured (after `warmupCreates` that are not). */
  readonly creates: number;
  readonly warmupCreates: number;
  /** Additions measured for N = 3, and for N = 100000 (after `warmupAdditions` of each). */
  readonly additionsN3: number;
  readonly additionsN100000: number;
  readonly warmupAdditions: number;
}

export interface DomainResult {
  readonly creates: number;
  readonly createsPerSecond: number;
  /** Creates the desk refused (none expected). */
  readonly refusedCreates: number;
  readonly additionsN3: number;
  readonly additionsN3PerSecond: number;
  readonly additionsN100000: number;
  readonly additionsN100000PerSecond: number;
  /** Sum of every result, printed so that no addition can be skipped as unused. */
  readonly checksum: number;
}

function unwrap<T, E>(result: { match<A>(ok: (value: T) => A, err: (error: E) => A): A }, what: string): T {
  return result.match(
    (value) => value,
    (error) => {
      throw new Error(`${what}: ${JSON.stringify(error)}`);
    },
  );
}

/** A small deterministic generator (mulberry32), so every run adds to the same instants. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function benchDesk(spec: DomainSpec, calendar: BusinessCalendar) {
  const desk: TicketDesk = createTicketDesk({
    store: createMemoryTicketStore(),
    clock: { now: () => Date.now() },
    calendar,
    subjects: unwrap(createSubjectCatalogue(defaultSubjects), 'subjects'),
    capacity: createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] }),
    resolutionDays: 3,
  });
  await desk.saveTechnician(TECHNICIAN_ID, { name: 'Ana Gómez' });
  for (let id = 1; id <= ZONES; id += 1) {
    await desk.saveZone(id, { name: `Zona ${id}`, max_active_tickets: ZONE_LIMIT });
    unwrap(await desk.saveService(id, { zone_id: id }), 'service');
  }
  const inputs = Array.from({ length: ZONES }, (_, i) => createBody(i + 1)) as unknown as Parameters<
    TicketDesk['createTicket']
  >[0][];
  let refused = 0;
  const run = async (count: number, offset: number) => {
    for (let i = 0; i < count; i += 1) {
      const result = await desk.createTicket(inputs[(offset + i) % ZONES] as (typeof inputs)[number]);
      if (result.isErr()) refused += 1;
    }
  };
  await run(spec.warmupCreates, 0);
  refused = 0;
  const started = performance.now();
  await run(spec.creates, spec.warmupCreates);
  const seconds = (performance.now() - started) / 1000;
  return { createsPerSecond: spec.creates / seconds, refused };
}

function benchCalendar(spec: DomainSpec, calendar: BusinessCalendar) {
  // Instants spread over 2026-2030 (UTC), drawn once.
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2031, 0, 1);
  const draw = random(20_260_101);
  const instants = Float64Array.from(
    { length: Math.max(spec.additionsN3, spec.additionsN100000, spec.warmupAdditions, 1) },
    () => from + Math.floor(draw() * (to - from)),
  );
  let checksum = 0;
  const additions = (days: number, count: number) => {
    const started = performance.now();
    for (let i = 0; i < count; i += 1)
      checksum += calendar.addBusinessDays(instants[i] as number, days) % 1_000;
    return count / ((performance.now() - started) / 1000);
  };
  // Warm-up: compiles the code and loads every year's holidays either N reaches.
  additions(3, spec.warmupAdditions);
  additions(100_000, spec.warmupAdditions);
  const n3 = additions(3, spec.additionsN3);
  const n100000 = additions(100_000, spec.additionsN100000);
  return { n3, n100000, checksum };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as DomainSpec;
  const calendar = unwrap(
    createBusinessCalendar({
      timeZone: 'America/Bogota',
      weekdays: [1, 2, 3, 4, 5],
      holidays: unwrap(createDateHolidaysSource('CO'), 'holidays'),
    }),
    'calendar',
  );
  const { n3, n100000, checksum } = benchCalendar(spec, calendar);
  const desk = await benchDesk(spec, calendar);
  const result: DomainResult = {
    creates: spec.creates,
    createsPerSecond: desk.createsPerSecond,
    refusedCreates: desk.refused,
    additionsN3: spec.additionsN3,
    additionsN3PerSecond: n3,
    additionsN100000: spec.additionsN100000,
    additionsN100000PerSecond: n100000,
    checksum,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(`domain: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
