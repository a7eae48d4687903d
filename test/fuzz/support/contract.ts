// What docs/api.md promises a caller of each method, as checks on one call's outcome: the status codes the
// method documents (never UNKNOWN, INTERNAL only for a bug), INVALID_ARGUMENT naming the fields as the proto
// does, and the input bounds of "Input bounds" enforced before anything else.
import * as grpc from '@grpc/grpc-js';
import type fc from 'fast-check';
import { expect } from 'vitest';
import { maxReportedViolations } from '@shop/platform';
import type { Outcome } from './rawClient';
import type { MessageSchema, MessageValue } from './requestSchema';

export interface FuzzedMethod {
  /** `/package.Service/Method` */
  path: string;
  schema: MessageSchema;
  /** The generated decoder the server uses: tells bytes it can read from bytes it cannot. */
  decode(bytes: Uint8Array): unknown;
  /** Every code docs/api.md documents for this method and the credentials of the run. */
  allowed: readonly grpc.status[];
  request: fc.Arbitrary<MessageValue>;
  /** Which fields the documented input bounds say are out of bounds. */
  bounds: Bounds;
  /** The google.rpc.ErrorInfo (reason and metadata keys) an answer with this code must carry, by code name. */
  errorInfo?: Partial<Record<string, { reason: string; metadata: readonly string[] }>>;
}

export type Bound =
  | { kind: 'positive' }
  | { kind: 'between'; min: number; max: number }
  /** At most `max` UTF-16 code units, and no NUL; with `nonEmpty`, not empty either. */
  | { kind: 'text'; max: number; nonEmpty?: boolean }
  | { kind: 'orderItems'; maxCount: number; maxDistinctSkus: number }
  /** A repeated uint32: more than `max` is one violation of the list, else each value not positive is `field[i]`. */
  | { kind: 'positiveList'; max: number }
  /** A message field: missing (when required) is a violation of it, else its own fields' bounds, as `field.sub`. */
  | { kind: 'message'; required: boolean; schema: MessageSchema; bounds: Bounds };

export type Bounds = Record<string, Bound>;

/** Codes every method of a service with a database may answer, whatever the input (api.md, "Errors"). */
export const anyCallCodes = [
  grpc.status.OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
] as const;

const codeName = (code: grpc.status) => grpc.status[code] ?? String(code);

export function badRequestFields(outcome: Outcome): string[] {
  return outcome.details.flatMap((d) => (d.kind === 'BadRequest' ? d.value.fieldViolations.map((v) => v.field) : []));
}

/** `user_id`, `items`, `items[3].count`: a field path of the request's schema. */
export function isFieldOf(schema: MessageSchema, path: string): boolean {
  const [head, ...rest] = path.split('.');
  const match = /^([a-z_]+)(?:\[(\d+)\])?$/.exec(head ?? '');
  const field = schema.find((f) => f.name === match?.[1]);
  if (!match || !field || (match[2] !== undefined && !field.repeated)) return false;
  if (rest.length === 0) return true;
  // A field inside a message: of an element of a repeated one (`items[3].count`), or of a single one (`warehouse.name`).
  const indexed = match[2] !== undefined;
  return typeof field.type !== 'string' && indexed === Boolean(field.repeated) && isFieldOf(field.type, rest.join('.'));
}

/** A short, readable form of a request for failure messages (long strings and lists abbreviated). */
export function describeRequest(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'string' && v.length > 80) return `${JSON.stringify(v.slice(0, 40))}… (${v.length} UTF-16 units)`;
    if (v instanceof Uint8Array) return `bytes ${Buffer.from(v).toString('hex').slice(0, 80)} (${v.length})`;
    if (Array.isArray(v) && v.length > 6) return [...v.slice(0, 3), `… ${v.length} items`];
    return v;
  });
}

/** The call ended with a code the method documents and never hung; an INVALID_ARGUMENT names its fields. */
export function expectDocumentedOutcome(method: FuzzedMethod, outcome: Outcome, request: string): void {
  const where = `${method.path} ${request} → ${codeName(outcome.code)} ${JSON.stringify(outcome.message.slice(0, 300))}`;
  expect(outcome.hung, `no answer within the client's deadline: ${where}`).toBe(false);
  expect(method.allowed.map(codeName), `the code is one that docs/api.md documents for ${method.path}: ${where}`).toContain(
    codeName(outcome.code),
  );
  const info = method.errorInfo?.[codeName(outcome.code)];
  if (info) {
    const infos = outcome.details.flatMap((d) => (d.kind === 'ErrorInfo' ? [d.value] : []));
    expect(infos, `an ErrorInfo with reason ${info.reason}: ${where}`).toEqual([expect.objectContaining({ reason: info.reason })]);
    for (const key of info.metadata) expect(infos[0]?.metadata[key], `ErrorInfo metadata ${key}: ${where}`).toMatch(/^\d+$/);
  }
  if (outcome.code !== grpc.status.INVALID_ARGUMENT) return;
  const fields = badRequestFields(outcome);
  expect(fields.length, `INVALID_ARGUMENT carries a BadRequest field violation: ${where}`).toBeGreaterThan(0);
  for (const field of fields) expect(isFieldOf(method.schema, field), `"${field}" is a field of the request: ${where}`).toBe(true);
  for (const field of new Set(fields)) expect(outcome.message, `the status message names ${field}: ${where}`).toContain(field);
}

/**
 * Besides the documented code: what is out of its documented bound is reported, as INVALID_ARGUMENT. Up to
 * `maxReportedViolations` violations every out-of-bounds field is named; past that exactly that many are, each
 * one out of bounds, and the message counts the rest.
 */
export function expectBoundsEnforced(method: FuzzedMethod, value: MessageValue, outcome: Outcome, request: string): void {
  const expected = boundViolations(method.schema, method.bounds, value);
  if (expected.length === 0) return;
  const where = `${method.path} ${request} → ${codeName(outcome.code)} ${JSON.stringify(outcome.message.slice(0, 300))}`;
  expect(codeName(outcome.code), `out of bounds (${[...new Set(expected)].join(', ')}): ${where}`).toBe('INVALID_ARGUMENT');
  const named = badRequestFields(outcome);
  if (expected.length <= maxReportedViolations) {
    expect(named, `every out-of-bounds field is named: ${where}`).toEqual(expect.arrayContaining(expected));
    return;
  }
  expect(named.length, `${maxReportedViolations} of the ${expected.length} violations are listed: ${where}`).toBe(maxReportedViolations);
  for (const field of named) expect(expected, `"${field}" is out of bounds: ${where}`).toContain(field);
  const more = `and ${expected.length - maxReportedViolations} more`;
  expect(outcome.message.endsWith(more), `the status message ends with "${more}": ${where}`).toBe(true);
}

/** The server reads a uint32 as the low 32 bits of the varint, an int32 as their signed value. */
export const asUint32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
export const asInt32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
/** The string the server decodes (invalid UTF-8 becomes U+FFFD, a leading U+FEFF stays text, as protobuf-es decodes it). */
export const asText = (v: string | Uint8Array): string =>
  new TextDecoder('utf-8', { ignoreBOM: true }).decode(typeof v === 'string' ? new TextEncoder().encode(v) : v);

/** The number the server reads from an integer field (an absent field reads as 0). */
function wireNumber(schema: MessageSchema, field: string, v: unknown): number {
  if (v !== undefined && typeof v !== 'bigint') throw new Error(`${field} is not an integer in the fuzzed request`);
  const type = schema.find((f) => f.name === field)?.type;
  const value = v ?? 0n;
  if (type === 'uint32') return asUint32(value);
  if (type === 'int32') return asInt32(value);
  if (type === 'uint64') return Number(BigInt.asUintN(64, value));
  return Number(value);
}

/** The field of each violation of the documented bounds: one entry a violation, so `items` can appear more than once. */
export function boundViolations(schema: MessageSchema, bounds: Bounds, value: MessageValue, prefix = ''): string[] {
  const found: string[] = [];
  for (const [field, bound] of Object.entries(bounds)) {
    const v = value[field];
    switch (bound.kind) {
      case 'positive':
        if (wireNumber(schema, field, v) <= 0) found.push(prefix + field);
        break;
      case 'between': {
        const n = wireNumber(schema, field, v);
        if (n < bound.min || n > bound.max) found.push(prefix + field);
        break;
      }
      case 'text': {
        const text = asText((v as string | Uint8Array | undefined) ?? '');
        if (text.length > bound.max || text.includes('\u0000') || (bound.nonEmpty && text === '')) found.push(prefix + field);
        break;
      }
      case 'orderItems':
        found.push(...orderItemViolations(field, (v as MessageValue[] | undefined) ?? [], bound));
        break;
      case 'positiveList': {
        const list = (v as bigint[] | undefined) ?? [];
        if (list.length > bound.max) found.push(prefix + field);
        else
          list.forEach((n, i) => {
            if (asUint32(n) <= 0) found.push(`${prefix}${field}[${i}]`);
          });
        break;
      }
      case 'message':
        if (v === undefined) {
          if (bound.required) found.push(prefix + field);
        } else found.push(...boundViolations(bound.schema, bound.bounds, v as MessageValue, `${prefix}${field}.`));
        break;
    }
  }
  return found;
}

function orderItemViolations(field: string, items: MessageValue[], bound: { maxCount: number; maxDistinctSkus: number }): string[] {
  const found: string[] = [];
  if (items.length === 0) found.push(field);
  const counts = items.map((item) => asUint32((item.count as bigint | undefined) ?? 0n));
  const merged = new Map<number, number>();
  items.forEach((item, i) => {
    const sku = asUint32((item.sku as bigint | undefined) ?? 0n);
    const count = counts[i] ?? 0;
    if (sku <= 0) found.push(`${field}[${i}].sku`);
    if (count < 1 || count > bound.maxCount) found.push(`${field}[${i}].count`);
    merged.set(sku, (merged.get(sku) ?? 0) + count);
  });
  if (merged.size > bound.maxDistinctSkus) found.push(field);
  // One violation a merged SKU over the limit, looked for only when no single count is over it.
  if (counts.every((c) => c <= bound.maxCount)) for (const total of merged.values()) if (total > bound.maxCount) found.push(field);
  return found;
}
