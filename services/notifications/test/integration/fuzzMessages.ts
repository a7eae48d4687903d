// fast-check arbitraries for the consumer fuzz: valid order status events in every encoding the contract allows,
// and messages that are not valid events (random bytes, broken fields, odd headers), each with what must become of it.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { IHeaders } from 'kafkajs';

export type Status = 'AWAITING_PAYMENT' | 'FAILED' | 'PAYED' | 'CANCELLED';
const statusNumbers: Record<Status, number> = { AWAITING_PAYMENT: 2, FAILED: 3, PAYED: 4, CANCELLED: 5 };
const camelToSnake = {
  eventId: 'event_id',
  orderId: 'order_id',
  userId: 'user_id',
  previousStatus: 'previous_status',
  occurredAt: 'occurred_at',
};

export interface Event {
  eventId: string;
  orderId: number;
  userId: number;
  status: Status;
  occurredAt: Date;
  version: number;
}

/** How a valid event is written: every choice here is allowed by the contract (docs/events.md). */
export interface Encoding {
  snakeCase: boolean;
  idsAsStrings: boolean;
  upperCaseId: boolean;
  statusAsNumber: boolean;
  time: 'millis' | 'offset' | 'nanos';
  items: 'some' | 'absent' | 'null' | 'empty';
  unknownField: fc.JsonValue | undefined;
  eventTypeHeader: boolean;
  traceparent: 'none' | 'w3c' | 'odd';
  oddTraceparent: string;
  cloudEvents: boolean;
  unknownHeader: Uint8Array | undefined;
}

export const encodingArb: fc.Arbitrary<Encoding> = fc.record({
  snakeCase: fc.boolean(),
  idsAsStrings: fc.boolean(),
  upperCaseId: fc.boolean(),
  statusAsNumber: fc.boolean(),
  time: fc.constantFrom('millis', 'offset', 'nanos'),
  items: fc.constantFrom('some', 'absent', 'null', 'empty'),
  unknownField: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
  eventTypeHeader: fc.boolean(),
  traceparent: fc.constantFrom('none', 'w3c', 'odd'),
  // Any text without a NUL: stored as it comes (a NUL is what the database refuses, see the mutations).
  oddTraceparent: fc.string({ maxLength: 60 }).map((s) => s.replaceAll('\u0000', '')),
  cloudEvents: fc.boolean(),
  unknownHeader: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
});

export interface Wire {
  value: Buffer | string | null;
  headers: IHeaders;
}

export function encode(event: Event, enc: Encoding): { json: Record<string, unknown>; headers: Record<string, string | Buffer> } {
  const name = (camel: string) => (enc.snakeCase ? (camelToSnake[camel as keyof typeof camelToSnake] ?? camel) : camel);
  const id = (n: number) => (enc.idsAsStrings ? String(n) : n);
  const json: Record<string, unknown> = {
    [name('eventId')]: enc.upperCaseId ? event.eventId.toUpperCase() : event.eventId,
    [name('orderId')]: id(event.orderId),
    [name('userId')]: id(event.userId),
    status: enc.statusAsNumber ? statusNumbers[event.status] : `ORDER_STATUS_${event.status}`,
    [name('previousStatus')]: enc.statusAsNumber ? 2 : 'ORDER_STATUS_AWAITING_PAYMENT',
    [name('occurredAt')]: timestamp(event.occurredAt, enc.time),
    version: enc.idsAsStrings ? String(event.version) : event.version,
  };
  if (enc.items !== 'absent') json.items = { some: [{ sku: 1001, count: 2 }], null: null, empty: [] }[enc.items];
  if (enc.unknownField !== undefined) json.zzFutureField = enc.unknownField;
  const headers: Record<string, string | Buffer> = {};
  if (enc.eventTypeHeader) headers['event-type'] = 'order.status_changed';
  if (enc.traceparent === 'w3c') headers.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  if (enc.traceparent === 'odd') headers.traceparent = enc.oddTraceparent;
  if (enc.cloudEvents) Object.assign(headers, cloudEventHeaders(event));
  if (enc.unknownHeader) headers['x-fuzz'] = Buffer.from(enc.unknownHeader);
  return { json, headers };
}

export function cloudEventHeaders(event: Event): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: event.eventId,
    ce_source: 'loms',
    ce_type: 'shop.order.status_changed.v1',
    ce_subject: String(event.orderId),
    ce_time: event.occurredAt.toISOString(),
    'content-type': 'application/json',
  };
}

function timestamp(at: Date, form: Encoding['time']): string {
  if (form === 'millis') return at.toISOString();
  if (form === 'nanos') return at.toISOString().replace('Z', '456789Z');
  const shifted = new Date(at.getTime() + 5.5 * 3_600_000).toISOString();
  return shifted.replace('Z', '+05:30');
}

/** What must become of a bad message: dead-lettered with a reason matching `reason`. */
export interface Mutation {
  name: string;
  reason: RegExp;
  /** The database, not the reader, refuses it. */
  rejectedByDatabase?: boolean;
  apply(json: Record<string, unknown>, headers: Record<string, string | Buffer>): Wire;
}

const asIs =
  (change: (json: Record<string, unknown>, headers: Record<string, string | Buffer>) => void) =>
  (json: Record<string, unknown>, headers: Record<string, string | Buffer>): Wire => {
    change(json, headers);
    return { value: JSON.stringify(json), headers };
  };
const setField = (field: string, value: unknown) => asIs((json) => void (json[field] = value));
const snake = (field: string) => camelToSnake[field as keyof typeof camelToSnake] ?? field;

const required = ['eventId', 'orderId', 'userId', 'status', 'occurredAt'] as const;
const wrongTypes: Record<string, fc.Arbitrary<unknown>> = {
  eventId: fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([])),
  orderId: fc.oneof(
    fc.boolean(),
    fc.double({ min: 0.1, max: 1e6, noInteger: true }),
    fc.constant({}),
    fc.constant(['42']),
    fc.constant('4x2'),
  ),
  userId: fc.oneof(fc.boolean(), fc.constant(1.5), fc.constant({ id: 7 }), fc.constant('')),
  status: fc.oneof(fc.boolean(), fc.constant({}), fc.constant([4]), fc.constant(4.5)),
  previousStatus: fc.oneof(fc.boolean(), fc.constant({})),
  occurredAt: fc.oneof(fc.integer(), fc.boolean(), fc.constant({ seconds: 1 }), fc.constant(['2025-01-01T00:00:00Z'])),
  items: fc.oneof(fc.constant({}), fc.string(), fc.integer()),
  version: fc.oneof(fc.boolean(), fc.constant(1.25), fc.constant({}), fc.constant('v2')),
};
const outOfRangeTimes = fc.oneof(
  fc.constantFrom(
    '-010000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '10000-01-01T00:00:00Z',
    '0000-12-31T23:59:59Z',
    '2025-02-30T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T00:00:00+24:00',
    '2025-01-01',
    'yesterday',
  ),
  fc.string({ maxLength: 30 }),
);
const badNumbers: { field: string; values: unknown[]; reason: RegExp }[] = [
  {
    field: 'orderId',
    values: [-1, 0, -(2 ** 53), 2 ** 63, 1e20, 1e300, '-5', '99999999999999999999'],
    reason: /^order_id: must be an integer greater than 0/,
  },
  { field: 'userId', values: [-1, 0, 2 ** 53, 1e300, '-1'], reason: /^user_id: must be an integer greater than 0/ },
  { field: 'version', values: [-1, 2 ** 32, 1e20, '-3', '4294967296'], reason: /^version: must be an integer from 0 to 4294967295/ },
  {
    field: 'items',
    values: [[{ sku: -1, count: 1 }], [{ sku: 1, count: 2 ** 32 }], [{ sku: 1e20, count: 1 }]],
    reason: /^items\[0\]\.(sku|count): /,
  },
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .uint8Array({ maxLength: 300 })
    .map((bytes): Mutation => ({ name: 'random bytes', reason: /./, apply: (_j, headers) => ({ value: Buffer.from(bytes), headers }) })),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v): Mutation => ({
      name: 'JSON, not an object',
      reason: /^value is not a JSON object$/,
      apply: (_j, h) => ({ value: JSON.stringify(v), headers: h }),
    })),
  fc
    .constantFrom(...required)
    .map((field): Mutation => ({ name: `${field} null`, reason: new RegExp(`^${snake(field)}: must be`), apply: setField(field, null) })),
  fc.constantFrom(...Object.keys(wrongTypes)).chain((field) =>
    (wrongTypes[field] as fc.Arbitrary<unknown>).map((value): Mutation => ({
      name: `${field} of a wrong type`,
      reason: new RegExp(`^${snake(field)}: must be`),
      apply: setField(field, value),
    })),
  ),
  fc
    .constantFrom(...badNumbers)
    .chain(({ field, values, reason }) =>
      fc.constantFrom(...values).map((value): Mutation => ({ name: `${field} out of range`, reason, apply: setField(field, value) })),
    ),
  outOfRangeTimes.map((at): Mutation => ({
    name: 'timestamp out of range',
    reason: /^occurred_at: must be an RFC 3339 timestamp/,
    apply: setField('occurredAt', at),
  })),
  fc
    .constantFrom('NEW', 'ORDER_STATUS_UNSPECIFIED', 'SHIPPED', 1, 0, 99, 'PAY\u0000ED')
    .map((status): Mutation => ({ name: 'status not notified', reason: /^status: must be one of/, apply: setField('status', status) })),
  fc.constant<Mutation>({ name: 'items [null]', reason: /^items\[0\]: must be an object \(got null\)/, apply: setField('items', [null]) }),
  fc.constant<Mutation>({
    name: 'NUL in event_id',
    reason: /^event_id: must be a UUID/,
    apply: asIs((json) => void (json.eventId = `${String(json.eventId).slice(0, 10)}\u0000${String(json.eventId).slice(10)}`)),
  }),
  fc.constant<Mutation>({
    name: 'NUL in traceparent',
    reason: /^the database refused it: .* \(SQLSTATE 22021\)$/,
    rejectedByDatabase: true,
    apply: asIs((_json, headers) => void (headers.traceparent = '00-0af7651916cd43dd\u00008448eb211c80319c-b7ad6b7169203331-01')),
  }),
  fc.integer({ min: 1_000, max: 64_000 }).map((size): Mutation => ({
    name: 'long event_id',
    reason: /^event_id: must be a UUID/,
    apply: setField('eventId', 'x'.repeat(size)),
  })),
  fc.constant<Mutation>({
    name: 'both spellings',
    reason: /^order_id: given twice/,
    apply: asIs((json) => void (json.order_id = json.orderId)),
  }),
  fc.constant<Mutation>({ name: 'no value', reason: /^empty value$/, apply: (_j, headers) => ({ value: null, headers }) }),
  fc.constant<Mutation>({
    name: 'not UTF-8',
    reason: /^value is not UTF-8$/,
    apply: (json, headers) => ({ value: Buffer.concat([Buffer.from(JSON.stringify(json)), Buffer.from([0xc3, 0x28])]), headers }),
  }),
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((t) => t !== 'order.status_changed')
    .map((type): Mutation => ({
      name: 'other event-type',
      reason: /^event-type is/,
      apply: asIs((_j, h) => void (h['event-type'] = type)),
    })),
  fc
    .constantFrom(
      { header: 'ce_type', value: 'shop.stock.level_changed.v1', reason: /^ce_type is/ },
      { header: 'ce_specversion', value: '0.3', reason: /^ce_specversion is/ },
      { header: 'content-type', value: 'application/x-protobuf', reason: /^content-type is/ },
      { header: 'ce_id', value: randomUUID(), reason: /^ce_id is .*, but event_id is/ },
      { header: 'ce_subject', value: 'order-1', reason: /^ce_subject is "order-1", but order_id is/ },
    )
    .map(({ header, value, reason }): Mutation => ({ name: `odd ${header}`, reason, apply: asIs((_j, h) => void (h[header] = value)) })),
);
