// The properties every service's gRPC fuzz checks, over the methods of one running server.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { expect } from 'vitest';
import { badRequestFields, describeRequest, expectBoundsEnforced, expectDocumentedOutcome, isFieldOf, type FuzzedMethod } from './contract';
import { beyondSafeInt64 } from './hostileValues';
import { decodes, malformedRequest, requestOfSize } from './malformedMessages';
import { rawClient, type Outcome, type RawClient } from './rawClient';
import { encodeRequest, int64Fields, type MessageSchema, type MessageValue } from './requestSchema';

export interface FuzzTarget {
  client: RawClient;
  /** Fully qualified, e.g. `loms.v1.LomsService`. */
  service: string;
  methods: FuzzedMethod[];
}

export function fuzzTarget(address: string, credentials: grpc.ChannelCredentials, service: string, methods: FuzzedMethod[]): FuzzTarget {
  return { client: rawClient(address, credentials), service, methods };
}

/** Codes seen per method: lets a test check that the fuzz got past the bounds checks, not only into them. */
export type CodeTally = Map<string, Set<string>>;

function record(tally: CodeTally | undefined, method: FuzzedMethod, outcome: Outcome): void {
  if (!tally) return;
  const seen = tally.get(method.path) ?? new Set<string>();
  seen.add(grpc.status[outcome.code] ?? String(outcome.code));
  tally.set(method.path, seen);
}

/** One of the methods with a value for it; prints as `[path, value]` in counterexamples. */
const anyMethod = <T>(methods: FuzzedMethod[], of: (m: FuzzedMethod) => fc.Arbitrary<T>) =>
  fc.oneof(...methods.map((m) => of(m).map((value): [string, T] => [m.path, value])));

function methodAt(methods: FuzzedMethod[], path: string): FuzzedMethod {
  const method = methods.find((m) => m.path === path);
  if (!method) throw new Error(`no method ${path}`);
  return method;
}

/** Hostile values in every field (ids within ±2^53): a documented code, every out-of-bounds field named. */
export async function hostileFieldValues(
  target: FuzzTarget,
  numRuns: number,
  options: { metadata?: fc.Arbitrary<grpc.Metadata>; tally?: CodeTally } = {},
): Promise<void> {
  const metadata = options.metadata ?? fc.constant(undefined);
  await fc.assert(
    fc.asyncProperty(
      anyMethod(target.methods, (m) => m.request),
      metadata,
      async ([path, value], md) => {
        const method = methodAt(target.methods, path);
        const outcome = await target.client.call(method.path, encodeRequest(method.schema, value), md);
        record(options.tally, method, outcome);
        const request = describeRequest(value);
        expectDocumentedOutcome(method, outcome, request);
        expectBoundsEnforced(method, value, outcome, request);
      },
    ),
    { numRuns },
  );
}

/** Bytes no encoder writes but the generated decoder reads (unknown fields, odd wire types, repeats). */
export async function readableMalformedBytes(target: FuzzTarget, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      anyMethod(target.methods, (m) => malformedRequest(m.schema, m.request).filter((b) => decodes(m.decode, b))),
      async ([path, value]) => {
        const method = methodAt(target.methods, path);
        const outcome = await target.client.call(method.path, value);
        expectDocumentedOutcome(method, outcome, `bytes ${value.toString('hex').slice(0, 200)}`);
      },
    ),
    { numRuns },
  );
}

/**
 * Bytes the generated decoder cannot read: api.md's "bad input" case, so INVALID_ARGUMENT with a
 * BadRequest field violation on `request`, or on the id the decoder could not hold, named in the message.
 */
export async function unreadableBytes(target: FuzzTarget, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      anyMethod(target.methods, (m) => malformedRequest(m.schema, m.request).filter((b) => !decodes(m.decode, b))),
      async ([path, value]) => {
        const method = methodAt(target.methods, path);
        const outcome = await target.client.call(method.path, value);
        const where = `${method.path} bytes ${value.toString('hex').slice(0, 200)} → ${grpc.status[outcome.code]} ${outcome.message}`;
        expect(outcome.hung, `no answer: ${where}`).toBe(false);
        expect(grpc.status[outcome.code], where).toBe('INVALID_ARGUMENT');
        const fields = badRequestFields(outcome);
        expect(fields.length, `a BadRequest field violation: ${where}`).toBeGreaterThan(0);
        for (const field of fields) {
          expect(field === 'request' || isLongField(method.schema, field), `"${field}" is the request or one of its ids: ${where}`).toBe(
            true,
          );
          expect(outcome.message, `the status message names ${field}: ${where}`).toContain(field);
        }
      },
    ),
    { numRuns },
  );
}

/** `order_id`, `warehouse.warehouse_id`: the path of a 64-bit integer field of the request, also inside a message field. */
function isLongField(schema: MessageSchema, path: string): boolean {
  const [head, ...rest] = path.split('.');
  const match = /^([a-z_]+)(?:\[(\d+)\])?$/.exec(head ?? '');
  const field = schema.find((f) => f.name === match?.[1]);
  if (!match || !field || (match[2] !== undefined) !== Boolean(field.repeated)) return false;
  if (rest.length === 0) return field.type === 'int64' || field.type === 'uint64';
  return typeof field.type !== 'string' && isLongField(field.type, rest.join('.'));
}

/** An id the services cannot hold exactly (beyond ±2^53) is out of bounds: INVALID_ARGUMENT naming it. */
export async function idsBeyondSafeIntegers(target: FuzzTarget, numRuns: number): Promise<void> {
  const withIds = target.methods.filter((m) => int64Fields(m.schema).length > 0);
  await fc.assert(
    fc.asyncProperty(
      anyMethod(withIds, (m) =>
        fc.tuple(m.request, fc.constantFrom(...int64Fields(m.schema)), beyondSafeInt64()).map(([value, field, id]): MessageValue => ({
          ...value,
          [field.name]: id,
        })),
      ),
      async ([path, value]) => {
        const method = methodAt(target.methods, path);
        const outcome = await target.client.call(method.path, encodeRequest(method.schema, value));
        const request = describeRequest(value);
        const beyond = int64Fields(method.schema)
          .filter((f) => {
            const v = value[f.name] as bigint;
            return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER);
          })
          .map((f) => f.name);
        expectDocumentedOutcome(method, outcome, request);
        expect(grpc.status[outcome.code], `${method.path} ${request} → ${outcome.message}`).toBe('INVALID_ARGUMENT');
        const fields = badRequestFields(outcome);
        expect(fields, `${method.path} ${request}`).toEqual(expect.arrayContaining(beyond));
        expect(fields.every((f) => isFieldOf(method.schema, f))).toBe(true);
      },
    ),
    { numRuns },
  );
}

const fourMiB = 4 * 1024 * 1024;

/** Every method reads a request of exactly 4 MiB and refuses one byte more with RESOURCE_EXHAUSTED. */
export async function messageSizeLimit(target: FuzzTarget): Promise<void> {
  for (const method of target.methods) {
    const atLimit = await target.client.call(method.path, requestOfSize(fourMiB));
    expectDocumentedOutcome(method, atLimit, '4 MiB of unknown field');
    expect(grpc.status[atLimit.code], `${method.path} 4 MiB → ${atLimit.message}`).not.toBe('RESOURCE_EXHAUSTED');
    const over = await target.client.call(method.path, requestOfSize(fourMiB + 1));
    expect(grpc.status[over.code], `${method.path} 4 MiB + 1 → ${over.message}`).toBe('RESOURCE_EXHAUSTED');
  }
}

/** The server is up and reports SERVING, for itself and for its service. */
export async function expectServing(target: FuzzTarget): Promise<void> {
  expect(await target.client.health('')).toBe('SERVING');
  expect(await target.client.health(target.service)).toBe('SERVING');
}

/** Waits (up to 10 s) for a server that has just started to see its database and report SERVING. */
export async function eventuallyServing(target: FuzzTarget): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await target.client.health(target.service)) !== 'SERVING' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await expectServing(target);
}

/** Each method answered at least once with something other than INVALID_ARGUMENT: the fuzz got past the bounds. */
export function expectPastTheBounds(target: FuzzTarget, tally: CodeTally): void {
  for (const method of target.methods) {
    const seen = [...(tally.get(method.path) ?? [])];
    expect(
      seen.filter((c) => c !== 'INVALID_ARGUMENT'),
      `${method.path} saw ${seen.join(', ')}`,
    ).not.toEqual([]);
  }
}

/** One well-formed request a method must refuse before it reaches storage: INVALID_ARGUMENT naming `field` alone. */
export async function expectRefusedNaming(target: FuzzTarget, path: string, value: MessageValue, field: string): Promise<void> {
  const method = methodAt(target.methods, path);
  const outcome = await target.client.call(path, encodeRequest(method.schema, value));
  expectDocumentedOutcome(method, outcome, describeRequest(value));
  expect(grpc.status[outcome.code]).toBe('INVALID_ARGUMENT');
  expect(badRequestFields(outcome)).toEqual([field]);
}
