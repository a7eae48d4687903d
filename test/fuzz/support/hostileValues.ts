// fast-check arbitraries of the values a hostile or careless client puts into request fields.
import fc from 'fast-check';

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
const int64Max = 2n ** 63n - 1n;
const int64Min = -(2n ** 63n);

/**
 * Each arbitrary below draws mostly values inside the bounds (so that calls get past validation into the
 * use case and the database) and the rest from the edges and the whole range of the wire type.
 */
const mostlyValid = <T>(valid: fc.Arbitrary<T>, edges: fc.Arbitrary<T>, anything: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: edges }, { weight: 1, arbitrary: anything });

/** int64 values the services can hold exactly (|v| < 2^53): zero, negatives, boundaries, small ids that exist. */
export const safeInt64 = (): fc.Arbitrary<bigint> =>
  mostlyValid(
    fc.bigInt({ min: 1n, max: 50n }),
    fc.constantFrom(0n, -1n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, maxSafe, -maxSafe, maxSafe - 1n),
    fc.bigInt({ min: -maxSafe, max: maxSafe }),
  );

/** int64 values beyond what a JavaScript number holds exactly, up to the ends of int64. */
export const beyondSafeInt64 = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.constantFrom(maxSafe + 1n, maxSafe + 2n, int64Max, -maxSafe - 1n, int64Min, 2n ** 62n),
    fc.bigInt({ min: maxSafe + 1n, max: int64Max }),
    fc.bigInt({ min: int64Min, max: -maxSafe - 1n }),
  );

/**
 * SKUs as uint32, including values beyond 2^32 sent as longer varints (the reader keeps their low 32 bits).
 * 1001..1300 are the catalogue's SKUs.
 */
export const hostileUint32 = (): fc.Arbitrary<bigint> =>
  mostlyValid(
    fc.bigInt({ min: 1001n, max: 1300n }),
    fc.constantFrom(0n, 1n, 10_000n, 10_001n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1001n, 2n ** 64n - 1n),
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
  );

/** uint64 stock totals a JavaScript number holds (0..2^53 - 1): small ones, the uint32 edges, the top of the range. */
export const hostileUint64 = (): fc.Arbitrary<bigint> =>
  mostlyValid(
    fc.bigInt({ min: 0n, max: 1000n }),
    fc.constantFrom(0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, maxSafe - 1n, maxSafe),
    fc.bigInt({ min: 0n, max: maxSafe }),
  );

/** A bool as the varint it is on the wire: 0 and 1, and values only a careless encoder writes (any but 0 is true). */
export const hostileBool = (): fc.Arbitrary<bigint> => fc.oneof(fc.constantFrom(0n, 1n), fc.constantFrom(2n, 2n ** 32n, 2n ** 64n - 1n));

/** Counts: around the 1..10,000 bound and the uint32 edges. */
export const hostileCount = (): fc.Arbitrary<bigint> =>
  mostlyValid(
    fc.bigInt({ min: 1n, max: 20n }),
    fc.constantFrom(0n, 9_999n, 10_000n, 10_001n, 2n ** 32n - 1n, 2n ** 32n + 1n),
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
  );

/** int32 page sizes: the 0..1000 bound, the int32 edges and varints wider than int32. */
export const hostileInt32 = (): fc.Arbitrary<bigint> =>
  mostlyValid(
    fc.bigInt({ min: 0n, max: 1000n }),
    fc.constantFrom(-1n, 1001n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 40n, -(2n ** 40n)),
    fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }),
  );

const nulAndControls = fc.string({
  unit: fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u2028', 'a', '%', "'", '\\'),
});

/** Text: empty, emoji, lone surrogates, NUL and control characters, SQL-ish, exactly 128/129 UTF-16 units, 1 MiB. */
export const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '',
      'a'.repeat(128),
      'a'.repeat(129),
      '😀'.repeat(64),
      '😀'.repeat(65),
      "'; DROP TABLE orders; --",
      '%s%n%x',
      '\uFEFF',
      '\uD800',
      '\uDFFF\uD800',
      'x'.repeat(1024 * 1024),
    ),
    fc.string({ unit: 'grapheme', maxLength: 140 }),
    fc.string({ unit: 'binary', maxLength: 140 }),
    nulAndControls,
  );

/** Raw bytes for a string field: not necessarily UTF-8 (overlong forms, surrogates, bare continuation bytes). */
export const nonUtf8Bytes = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.constantFrom(
      Uint8Array.of(0xc0, 0x80),
      Uint8Array.of(0xed, 0xa0, 0x80),
      Uint8Array.of(0x80, 0x80, 0x80),
      Uint8Array.of(0xff, 0xfe),
      Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
      Uint8Array.of(0x61, 0x00, 0x62),
    ),
    fc.uint8Array({ maxLength: 200 }),
  );

const b64url = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const hostileNumberText = fc.constantFrom(
  '0',
  '-1',
  '1',
  '9007199254740993',
  '99999999999999999999',
  '9223372036854775807',
  '1e400',
  '-0',
  '8.64e15',
  '8640000000000001',
  '1.5',
  'NaN',
  'null',
  '"1"',
  '[]',
);

/**
 * Page tokens of the `o1:<scope>:<id>` form for a list other than a user's (`m<sku>:<warehouse>` for a SKU's
 * stock movements), with hostile numbers and scopes, and plain junk.
 */
export const hostileScopedPageToken = (scope: string): fc.Arbitrary<string> => {
  const number = fc.oneof(
    hostileNumberText,
    fc.bigInt({ min: 0n, max: maxSafe }).map(String),
    fc.bigInt({ min: maxSafe, max: int64Max }).map(String),
  );
  const otherScope = fc.oneof(
    fc.constantFrom('', 'm', `${scope}:1`, `${scope}0`, scope.toUpperCase(), ` ${scope}`),
    fc.tuple(fc.nat(), fc.integer()).map(([sku, warehouse]) => `m${sku}:${warehouse}`),
    fc.string({ maxLength: 20 }),
  );
  return fc.oneof(
    number.map((id) => b64url(`o1:${scope}:${id}`)),
    number.map((id) => b64(`o1:${scope}:${id}`)),
    fc.tuple(otherScope, number).map(([s, id]) => b64url(`o1:${s}:${id}`)),
    number.map((id) => b64url(`o2:${scope}:${id}`)),
    number.map((id) => `o1:${scope}:${id}`),
    fc.uint8Array({ maxLength: 64 }).map(b64url),
    fc.json().map(b64url),
    hostileText(),
  );
};

/**
 * Page tokens for `userId`'s pages: random bytes as base64 and base64url, JSON objects shaped like a real
 * token with hostile numbers in it, the `o1:` text form with hostile numbers, and plain junk.
 */
export const hostilePageToken = (userId: bigint): fc.Arbitrary<string> => {
  const owner = fc.oneof(fc.constant(String(userId)), hostileNumberText);
  const number = fc.oneof(
    hostileNumberText,
    fc.bigInt({ min: 0n, max: 2_000_000_000_000n }).map(String),
    fc.bigInt({ min: 0n, max: maxSafe }).map(String),
  );
  return fc.oneof(
    fc.constant(''),
    // Shaped like the tokens the services issue, for this user: hostile numbers where the positions are.
    fc.tuple(number, number).map(([t, s]) => b64url(`{"u":${userId},"t":${t},"s":${s}}`)),
    number.map((id) => b64url(`o1:${userId}:${id}`)),
    fc.uint8Array({ maxLength: 64 }).map(b64url),
    fc.uint8Array({ maxLength: 64 }).map(b64),
    fc.json().map(b64url),
    fc.tuple(owner, number, number).map(([u, t, s]) => b64url(`{"u":${u},"t":${t},"s":${s}}`)),
    fc.tuple(owner, number).map(([u, id]) => b64url(`o1:${u}:${id}`)),
    hostileText(),
  );
};
