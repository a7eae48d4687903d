// Request bytes that are not what a protobuf encoder writes: cut short, varints too long, wire types that
// do not exist or do not fit the field, lengths past the end, unknown fields, nesting too deep, noise.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { encodeRequest, tag, type MessageSchema, type MessageValue } from './requestSchema';

const varint = (n: number | bigint): Uint8Array => new BinaryWriter().uint64(BigInt(n)).finish();
const concat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts);

/** Field numbers a request could carry: its own ones (an empty request has none), and ones it does not know (up to the largest, 2^29 - 1). */
const fieldNumber = (schema: MessageSchema) =>
  fc.oneof(
    ...(schema.length > 0 ? [fc.constantFrom(...schema.map((f) => f.no))] : []),
    fc.integer({ min: 1, max: 20 }),
    fc.constant(2 ** 29 - 1),
  );

const noise = fc.uint8Array({ maxLength: 32 });

export function malformedRequest(schema: MessageSchema, valid: fc.Arbitrary<MessageValue>): fc.Arbitrary<Buffer> {
  const encoded = valid.map((v) => encodeRequest(schema, v));
  const no = fieldNumber(schema);
  return fc.oneof(
    // Cut short anywhere, including inside a varint, a length prefix or a nested message.
    encoded.chain((b) => (b.length < 2 ? fc.constant(b) : fc.integer({ min: 1, max: b.length - 1 }).map((cut) => b.subarray(0, cut)))),
    // A varint of eleven or more bytes (the longest valid one has ten).
    fc
      .tuple(no, fc.integer({ min: 11, max: 20 }))
      .map(([n, len]) => concat(varint(tag(n, WireType.Varint)), Buffer.alloc(len - 1, 0xff), Uint8Array.of(1))),
    // Wire types 6 and 7 do not exist; 4 ends a group that never started; 3 starts one that never ends.
    fc.tuple(no, fc.constantFrom(3, 4, 6, 7), noise).map(([n, wt, rest]) => concat(varint(((n << 3) | wt) >>> 0), rest)),
    // A wire type that exists but does not fit the field (a string as a varint, an id as bytes, fixed-width).
    fc
      .tuple(encoded, no, fc.constantFrom(WireType.Varint, WireType.Bit64, WireType.LengthDelimited, WireType.Bit32), noise)
      .map(([prefix, n, wt, rest]) =>
        concat(prefix, varint(tag(n, wt)), wt === WireType.LengthDelimited ? varint(rest.length) : new Uint8Array(), rest),
      ),
    // A length prefix that runs past the end of the message.
    fc
      .tuple(encoded, no, fc.integer({ min: 1, max: 2 ** 31 - 1 }), noise)
      .map(([prefix, n, extra, rest]) => concat(prefix, varint(tag(n, WireType.LengthDelimited)), varint(rest.length + extra), rest)),
    // Unknown fields of every wire type, well formed, before and after the known ones.
    fc
      .tuple(
        encoded,
        fc.integer({ min: 50, max: 2 ** 29 - 1 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      )
      .map(([body, n, bytes, number]) =>
        concat(
          varint(tag(n, WireType.LengthDelimited)),
          varint(bytes.length),
          bytes,
          body,
          varint(tag(n + 1, WireType.Varint)),
          varint(number),
          varint(tag(n + 2, WireType.Bit32)),
          Buffer.alloc(4, 0xab),
          varint(tag(n + 3, WireType.Bit64)),
          Buffer.alloc(8, 0xcd),
        ),
      ),
    // Groups nested deeper than a decoder allows, and a group closed with another field's number.
    fc.integer({ min: 1, max: 300 }).map((depth) => concat(...Array.from({ length: depth }, () => varint(tag(9, WireType.StartGroup))))),
    no.map((n) => concat(varint(tag(n, WireType.StartGroup)), varint(tag(n + 1, WireType.EndGroup)))),
    // Field number 0, and a tag wider than 32 bits.
    fc.tuple(encoded, noise).map(([body, rest]) => concat(body, Uint8Array.of(0), rest)),
    noise.map((rest) => concat(Uint8Array.of(0x88, 0x80, 0x80, 0x80, 0x80, 0x01), rest)),
    // A message sent twice in a row (every scalar field twice: the last one wins).
    encoded.map((b) => concat(b, b)),
    fc.uint8Array({ minLength: 1, maxLength: 256 }).map((b) => Buffer.from(b)),
  );
}

/** The smallest unknown-field message of `size` bytes, to probe the 4 MiB receive limit exactly. */
export function requestOfSize(size: number): Buffer {
  const head = concat(varint(tag(1000, WireType.LengthDelimited)), varint(size));
  const headLength = head.length;
  const payload = size - headLength;
  const exactHead = concat(varint(tag(1000, WireType.LengthDelimited)), varint(payload));
  if (exactHead.length !== headLength) throw new Error(`size ${size} does not fit a single unknown field`);
  return concat(exactHead, Buffer.alloc(payload, 0x61));
}

/** True when the generated decoder of the request can read the bytes (what grpc-js does before any handler). */
export function decodes(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): boolean {
  try {
    decode(bytes);
    return true;
  } catch {
    return false;
  }
}
