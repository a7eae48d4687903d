import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readStatusChange, UnreadableMessageError } from './readStatusChange';

const headers = { 'event-type': Buffer.from('order.status_changed'), traceparent: Buffer.from('00-tp-01') };
const read = (value: string | Buffer | null, h: Record<string, Buffer | undefined> = headers) =>
  readStatusChange({ value: value === null ? null : Buffer.from(value), headers: h });
const event = {
  eventId: 'e',
  orderId: 42,
  userId: 7,
  status: 'ORDER_STATUS_PAYED',
  previousStatus: 'ORDER_STATUS_AWAITING_PAYMENT',
  occurredAt: '2025-01-01T00:00:00Z',
  items: [{ sku: 1, count: 2 }],
  version: 2,
};
const reasonOf = (value: string | Buffer | null, h?: Record<string, Buffer | undefined>): string => {
  try {
    read(value, h);
  } catch (err) {
    if (err instanceof UnreadableMessageError) return err.message;
    throw err;
  }
  return 'read';
};
const withField = (name: string, value: unknown) => JSON.stringify({ ...event, [name]: value });

describe('readStatusChange', () => {
  it('reads the JSON mapping of OrderStatusChanged, in either field spelling, with the traceparent header', () => {
    const expected = {
      eventId: 'e',
      orderId: 42,
      userId: 7,
      status: 'PAYED',
      occurredAt: new Date('2025-01-01T00:00:00Z'),
      version: 2,
      traceparent: '00-tp-01',
    };
    expect(read(JSON.stringify({ ...event, orderId: '42', userId: '7', version: '2' }))).toEqual(expected);
    expect(
      read(
        JSON.stringify({
          event_id: 'e',
          order_id: 42,
          user_id: 7,
          status: 4,
          previous_status: 2,
          occurred_at: '2025-01-01T00:00:00Z',
          version: 2,
        }),
      ),
    ).toEqual(expected);
  });

  it('takes null or an absent field as its default and ignores fields it does not know', () => {
    expect(read(JSON.stringify({ ...event, version: null, items: null, previousStatus: null, shippedBy: { x: [1] } }))).toMatchObject({
      version: 0,
      status: 'PAYED',
    });
    expect(read('{"status":"SHIPPED"}')).toMatchObject({ eventId: '', orderId: 0, status: 'SHIPPED', occurredAt: undefined, version: 0 });
  });

  it('reads RFC 3339 timestamps with an offset and up to nine fraction digits', () => {
    expect(read(withField('occurredAt', '2025-01-01T03:00:00.123456789+03:00')).occurredAt).toEqual(new Date('2025-01-01T00:00:00.123Z'));
    expect(read(withField('occurredAt', '0001-01-01T00:00:00Z')).occurredAt).toEqual(new Date('0001-01-01T00:00:00Z'));
  });

  it('names each field of the wrong JSON type instead of coercing it', () => {
    expect(reasonOf(withField('orderId', true))).toBe(
      'order_id: must be an integer, as a JSON number or a decimal string (got boolean true)',
    );
    expect(reasonOf(withField('orderId', [42]))).toMatch(/^order_id: .*got an array/);
    expect(reasonOf(withField('userId', 1.5))).toMatch(/^user_id: must be an integer/);
    expect(reasonOf(withField('eventId', 12))).toBe('event_id: must be a JSON string (got number 12)');
    expect(reasonOf(withField('status', {}))).toMatch(/^status: must be an enum name or number/);
    expect(reasonOf(withField('version', -1))).toBe('version: must be an integer from 0 to 4294967295 (got number -1)');
    expect(reasonOf(withField('version', 2 ** 32))).toMatch(/^version: must be an integer from 0 to 4294967295/);
    expect(reasonOf(withField('items', [null]))).toBe('items[0]: must be an object (got null)');
    expect(reasonOf(withField('items', [{ sku: -1, count: 1 }]))).toMatch(/^items\[0\]\.sku: must be an integer from 0/);
    expect(reasonOf(withField('items', {}))).toBe('items: must be a JSON array (got an object)');
    expect(reasonOf(JSON.stringify({ ...event, order_id: 42 }))).toBe('order_id: given twice (as orderId and order_id)');
  });

  it('refuses timestamps that are not RFC 3339 or outside years 0001 to 9999', () => {
    for (const at of [
      '-010000-01-01T00:00:00Z',
      '+010000-01-01T00:00:00Z',
      '0000-12-31T23:59:59Z',
      '0001-01-01T00:30:00+01:00',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01',
      '2025-01-01T00:00:00',
      1_735_689_600,
    ])
      expect(reasonOf(withField('occurredAt', at)), String(at)).toMatch(/^occurred_at: must be an RFC 3339 timestamp/);
  });

  it('keeps every reason short, however large the value it is about', () => {
    const huge = 'x'.repeat(1_000_000);
    expect(reasonOf(withField('eventId', { huge })).length).toBeLessThan(200);
    expect(reasonOf(withField('status', huge))).toBe('read');
    expect(read(withField('status', huge)).status.length).toBeLessThan(50);
    expect(reasonOf(withField('occurredAt', huge)).length).toBeLessThan(200);
  });

  it('refuses what is not UTF-8 JSON of an object, or not this event type', () => {
    for (const value of ['not json', '[1]', 'null', '42', '']) expect(() => read(value)).toThrow(UnreadableMessageError);
    expect(reasonOf(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('value is not UTF-8');
    expect(() => read(null)).toThrow(/empty value/);
    expect(() => read('{}', { 'event-type': Buffer.from('order.created') })).toThrow(/event-type/);
  });

  it('accepts the CloudEvents headers LOMS sends and refuses ones that describe another event', () => {
    const id = '3f0c2b8e-4d0a-4c3b-9e77-1a2b3c4d5e6f';
    const value = JSON.stringify({ ...event, eventId: id });
    const cloudEvent = {
      ce_specversion: Buffer.from('1.0'),
      ce_id: Buffer.from(id.toUpperCase()),
      ce_source: Buffer.from('loms'),
      ce_type: Buffer.from('shop.order.status_changed.v1'),
      ce_subject: Buffer.from('42'),
      ce_time: Buffer.from('2025-01-01T00:00:00Z'),
      'content-type': Buffer.from('application/json; charset=utf-8'),
    };
    expect(read(value, cloudEvent)).toMatchObject({ eventId: id, orderId: 42 });
    expect(reasonOf(value, { ...cloudEvent, ce_type: Buffer.from('shop.stock.level_changed.v1') })).toMatch(/^ce_type is/);
    expect(reasonOf(value, { ...cloudEvent, ce_specversion: Buffer.from('0.3') })).toMatch(/^ce_specversion is "0.3"/);
    expect(reasonOf(value, { ...cloudEvent, 'content-type': Buffer.from('application/protobuf') })).toMatch(/^content-type is/);
    expect(reasonOf(value, { ...cloudEvent, ce_id: Buffer.from('another') })).toMatch(/^ce_id is "another", but event_id is/);
    expect(reasonOf(value, { ...cloudEvent, ce_subject: Buffer.from('43') })).toBe('ce_subject is "43", but order_id is 42');
  });

  it('throws nothing but UnreadableMessageError for any bytes and any JSON', () => {
    const anyJson = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom(...Object.keys(event), 'event_id', 'order_id'), fc.jsonValue()));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), anyJson), (input) => {
        const value = input instanceof Uint8Array ? Buffer.from(input) : Buffer.from(JSON.stringify(input) ?? '');
        try {
          readStatusChange({ value, headers });
        } catch (err) {
          expect(err).toBeInstanceOf(UnreadableMessageError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
