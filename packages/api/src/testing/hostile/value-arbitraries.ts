/** Hostile values: header values, JSON values for bodies, and path segments where an id goes. */
import { fc } from '@fast-check/vitest';
import { long, Raw } from './request.js';

/** Header values the platform lets through: bytes 1–255 but CR and LF (Headers refuses those and NUL). */
const headerCharArb = fc
  .integer({ min: 1, max: 255 })
  .filter((code) => code !== 10 && code !== 13)
  .map((code) => String.fromCharCode(code));
export const headerValueArb = fc.oneof(
  fc.string({ unit: headerCharArb, maxLength: 40 }),
  // Unicode as it arrives on the wire: its UTF-8 bytes, one Latin-1 character each.
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  fc.constantFrom('', ' ', '\t', '\x01\x02\x7f', 'null', 'undefined', '0', '-1', 'é', '\xa0', 'a, b'),
  fc.integer({ min: 129, max: 1_000 }).map((n) => 'k'.repeat(n)),
);

/** Strings a parser or a careless handler might take for something else. */
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

/** Numbers as JSON text that JSON.stringify would never write. */
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
export const smallHostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
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
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: smallHostileValueArb },
  { weight: 1, arbitrary: longStringArb },
  { weight: 1, arbitrary: deepArb },
);

/** A path segment where an id goes: junk of every kind, now and then a real id. */
export const segmentArb: fc.Arbitrary<string> = fc.oneof(
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
