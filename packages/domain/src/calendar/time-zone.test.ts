import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it, vi } from 'vitest';
import { createTimeZoneRules, isKnownTimeZone, type TimeZoneRules } from './time-zone.js';

// The property tests take about a second each; leave room for a slow, busy machine.
vi.setConfig({ testTimeout: 30_000 });

const ZONES = [
  'America/Santiago',
  'America/Asuncion',
  'America/Havana',
  'America/Bogota',
  'Europe/London',
  'Pacific/Apia',
  'Australia/Lord_Howe',
] as const;

const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(1900, 0, 1);
const TO_MS = Date.UTC(2400, 0, 1);

// ---- The reference, straight from Temporal ----------------------------------------------------

function temporalOffsetMs(timeZone: string, epochMs: number): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;
}

/** Local milliseconds (wall-clock time counted as if it were UTC) as a PlainDateTime. */
function plainDateTimeOfLocalMs(localMs: number): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(localMs).toZonedDateTimeISO('UTC').toPlainDateTime();
}

function temporalInstantOf(timeZone: string, localMs: number): number {
  return plainDateTimeOfLocalMs(localMs).toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

function localMsOf(dateTime: string): number {
  return Temporal.PlainDateTime.from(dateTime).toZonedDateTime('UTC').epochMilliseconds;
}

function instantMs(isoInstant: string): number {
  return Temporal.Instant.from(isoInstant).epochMilliseconds;
}

// ---- Transitions, to aim the generators where the mistakes would be -----------------------------

const transitionCache = new Map<string, readonly number[]>();

/** Every offset transition of a zone in [1900, 2400), computed once per zone. */
function transitionsOf(timeZone: string): readonly number[] {
  const cached = transitionCache.get(timeZone);
  if (cached !== undefined) return cached;
  const found: number[] = [];
  let at: Temporal.ZonedDateTime | null =
    Temporal.Instant.fromEpochMilliseconds(FROM_MS).toZonedDateTimeISO(timeZone);
  for (;;) {
    at = at.getTimeZoneTransition('next');
    if (at === null || at.epochMilliseconds >= TO_MS) break;
    found.push(at.epochMilliseconds);
  }
  transitionCache.set(timeZone, found);
  return found;
}

const zoneArb = fc.constantFrom(...ZONES);
const instantArb = fc.integer({ min: FROM_MS, max: TO_MS - 1 });
/** Within three hours of a transition of the zone, on either side, at millisecond precision. */
const nearTransitionArb = (timeZone: string): fc.Arbitrary<number> =>
  fc
    .tuple(fc.constantFrom(...transitionsOf(timeZone)), fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }))
    .map(([transition, shift]) => transition + shift);
/** An instant and its zone: anywhere in 1900–2400, or close to one of the zone's transitions. */
const zonedInstantArb = zoneArb.chain((timeZone) =>
  fc.tuple(fc.constant(timeZone), fc.oneof(instantArb, nearTransitionArb(timeZone))),
);
/**
 * A local time and its zone: anywhere in 1900–2400, or close to the wall-clock time of a transition
 * as read with the offset before it or after it, so that gaps and overlaps come up often.
 */
const zonedLocalTimeArb = zoneArb.chain((timeZone) =>
  fc.tuple(
    fc.constant(timeZone),
    fc.oneof(
      instantArb,
      fc
        .tuple(nearTransitionArb(timeZone), fc.boolean())
        .map(
          ([instant, before]) =>
            instant + temporalOffsetMs(timeZone, before ? instant - HOUR_MS * 4 : instant),
        ),
    ),
  ),
);

/** One rules object per zone for the whole file, so that the period cache gets exercised. */
const sharedRules = new Map<string, TimeZoneRules>(ZONES.map((zone) => [zone, createTimeZoneRules(zone)]));

function rulesOf(timeZone: string): TimeZoneRules {
  const rules = sharedRules.get(timeZone);
  if (rules === undefined) throw new Error(`no rules for ${timeZone}`);
  return rules;
}

/**
 * A lookup of the rules agrees with Temporal, from the rules shared by the whole file and from
 * fresh rules with nothing cached: one zone and time of `zonedArb` at a time.
 */
function agreesWithTemporal(
  title: string,
  zonedArb: fc.Arbitrary<[string, number]>,
  lookup: (rules: TimeZoneRules, ms: number) => number,
  reference: (timeZone: string, ms: number) => number,
): void {
  test.prop([zonedArb], { numRuns: 400 })(title, ([timeZone, ms]) => {
    expect(lookup(rulesOf(timeZone), ms)).toBe(reference(timeZone, ms));
  });

  test.prop([zonedArb], { numRuns: 100 })(
    'agrees with Temporal when asked first, with nothing cached',
    ([timeZone, ms]) => {
      expect(lookup(createTimeZoneRules(timeZone), ms)).toBe(reference(timeZone, ms));
    },
  );
}

describe('isKnownTimeZone', () => {
  it('knows IANA zones and UTC', () => {
    for (const zone of [...ZONES, 'UTC', 'Asia/Kolkata']) expect(isKnownTimeZone(zone)).toBe(true);
  });

  it('rejects names that are not zones', () => {
    for (const zone of ['Mars/Base', '', 'Europe/Londres', 'GMT+25'])
      expect(isKnownTimeZone(zone)).toBe(false);
  });
});

describe('createTimeZoneRules', () => {
  it('keeps the name of its zone', () => {
    expect(createTimeZoneRules('Europe/London').timeZone).toBe('Europe/London');
  });

  describe('offsetAt', () => {
    agreesWithTemporal(
      'agrees with Temporal at any instant of 1900–2400',
      zonedInstantArb,
      (rules, epochMs) => rules.offsetAt(epochMs),
      temporalOffsetMs,
    );

    test.prop([zonedInstantArb, fc.array(instantArb, { maxLength: 20 })], { numRuns: 100 })(
      'agrees with Temporal whatever was asked before',
      ([timeZone, epochMs], earlier) => {
        const rules = createTimeZoneRules(timeZone);
        for (const before of earlier) rules.offsetAt(before);
        expect(rules.offsetAt(epochMs)).toBe(temporalOffsetMs(timeZone, epochMs));
      },
    );

    it.each(ZONES)('switches offset exactly at every transition of %s', (timeZone) => {
      const rules = createTimeZoneRules(timeZone);
      // Twice over, the second time after the cache of 512 periods has been emptied at least once
      // for the zones with many transitions.
      for (let pass = 0; pass < 2; pass += 1) {
        for (const transition of transitionsOf(timeZone)) {
          expect(rules.offsetAt(transition - 1)).toBe(temporalOffsetMs(timeZone, transition - 1));
          expect(rules.offsetAt(transition)).toBe(temporalOffsetMs(timeZone, transition));
        }
      }
    });

    it('reads the offsets of known dates', () => {
      expect(createTimeZoneRules('America/Bogota').offsetAt(instantMs('2026-02-26T15:00Z'))).toBe(
        -5 * HOUR_MS,
      );
      expect(createTimeZoneRules('Europe/London').offsetAt(instantMs('2026-07-01T12:00Z'))).toBe(HOUR_MS);
      expect(createTimeZoneRules('Europe/London').offsetAt(instantMs('2026-01-01T12:00Z'))).toBe(0);
      expect(createTimeZoneRules('Australia/Lord_Howe').offsetAt(instantMs('2026-01-01T00:00Z'))).toBe(
        11 * HOUR_MS,
      );
      expect(createTimeZoneRules('Australia/Lord_Howe').offsetAt(instantMs('2026-07-01T00:00Z'))).toBe(
        10.5 * HOUR_MS,
      );
      // Samoa moved across the date line at the end of 2011-12-29.
      expect(createTimeZoneRules('Pacific/Apia').offsetAt(instantMs('2011-12-30T09:59:59.999Z'))).toBe(
        -10 * HOUR_MS,
      );
      expect(createTimeZoneRules('Pacific/Apia').offsetAt(instantMs('2011-12-30T10:00Z'))).toBe(14 * HOUR_MS);
      // Local mean time before 1914 was -4:56:16.
      expect(createTimeZoneRules('America/Bogota').offsetAt(instantMs('1900-06-01T00:00Z'))).toBe(
        -(4 * HOUR_MS + 56 * 60_000 + 16_000),
      );
    });
  });

  describe('toInstant', () => {
    agreesWithTemporal(
      'agrees with Temporal’s compatible disambiguation for any local time of 1900–2400',
      zonedLocalTimeArb,
      (rules, localMs) => rules.toInstant(localMs),
      temporalInstantOf,
    );

    test.prop([zonedInstantArb], { numRuns: 300 })(
      'maps the local time of an instant back to an instant with that local time',
      ([timeZone, epochMs]) => {
        const rules = rulesOf(timeZone);
        const localMs = epochMs + rules.offsetAt(epochMs);
        const back = rules.toInstant(localMs);
        // The same instant, or the earlier one when the local time is ambiguous.
        expect(back).toBeLessThanOrEqual(epochMs);
        expect(back + rules.offsetAt(back)).toBe(localMs);
      },
    );

    it.each([
      // [zone, local time, expected instant, what happens]
      [
        'Europe/London',
        '2026-03-29T01:30',
        '2026-03-29T01:30Z',
        'a gap: 01:00–02:00 is skipped, 01:30 becomes 02:30 BST',
      ],
      [
        'Europe/London',
        '2026-10-25T01:30',
        '2026-10-25T00:30Z',
        'an overlap: 01:30 happens twice, BST first',
      ],
      ['Europe/London', '2026-10-25T02:00', '2026-10-25T02:00Z', 'the first local time after an overlap'],
      ['Europe/London', '2026-03-29T02:00', '2026-03-29T01:00Z', 'the first local time after a gap'],
      [
        'America/Santiago',
        '2026-09-06T00:30',
        '2026-09-06T04:30Z',
        'a gap at midnight: 00:30 becomes 01:30 -03',
      ],
      ['America/Santiago', '2026-04-04T23:30', '2026-04-05T02:30Z', 'an overlap before midnight, -03 first'],
      [
        'America/Havana',
        '2026-03-08T00:30',
        '2026-03-08T05:30Z',
        'a gap at midnight: 00:30 becomes 01:30 -04',
      ],
      ['America/Havana', '2026-11-01T00:30', '2026-11-01T04:30Z', 'an overlap after midnight, -04 first'],
      [
        'Australia/Lord_Howe',
        '2026-10-04T02:15',
        '2026-10-03T15:45Z',
        'a 30-minute gap: 02:15 becomes 02:45',
      ],
      ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45Z', 'a 30-minute overlap, +11 first'],
      ['Australia/Lord_Howe', '2026-04-05T02:00', '2026-04-04T15:30Z', 'the first local time after it'],
      [
        'Pacific/Apia',
        '2011-12-30T10:00',
        '2011-12-30T20:00Z',
        'a day that never happened: it becomes 12-31',
      ],
      ['Pacific/Apia', '2011-12-29T23:59', '2011-12-30T09:59Z', 'the last minute before the date line moved'],
      ['America/Bogota', '2026-02-26T10:00', '2026-02-26T15:00Z', 'an ordinary time'],
      ['America/Bogota', '1992-05-03T00:30', '1992-05-03T05:30Z', 'the gap of Colombia’s 1992 daylight time'],
    ])('resolves %s %s to %s (%s)', (timeZone, local, expected, _why) => {
      const localMs = localMsOf(local);
      expect(temporalInstantOf(timeZone, localMs)).toBe(instantMs(expected));
      expect(createTimeZoneRules(timeZone).toInstant(localMs)).toBe(instantMs(expected));
      expect(rulesOf(timeZone).toInstant(localMs)).toBe(instantMs(expected));
    });

    it.each(ZONES)('resolves every local time next to a transition of %s as Temporal does', (timeZone) => {
      const rules = createTimeZoneRules(timeZone);
      for (const transition of transitionsOf(timeZone)) {
        const before = transition + temporalOffsetMs(timeZone, transition - 1);
        const after = transition + temporalOffsetMs(timeZone, transition);
        for (const localMs of [before - 1, before, before + 1, after - 1, after, after + 1]) {
          expect(rules.toInstant(localMs)).toBe(temporalInstantOf(timeZone, localMs));
        }
      }
    });
  });
});
