import { describe, expect, it } from 'vitest';
import { readStatusChange, UnreadableMessageError } from './readStatusChange';

const headers = { 'event-type': Buffer.from('order.status_changed'), traceparent: Buffer.from('00-tp-01') };
const read = (value: string | null, h: Record<string, Buffer | undefined> = headers) =>
  readStatusChange({ value: value === null ? null : Buffer.from(value), headers: h });

describe('readStatusChange', () => {
  it('reads the JSON mapping of OrderStatusChanged, in either field spelling, with the traceparent header', () => {
    const expected = {
      eventId: 'e',
      orderId: 42,
      userId: 7,
      status: 'PAYED',
      occurredAt: new Date('2025-01-01T00:00:00Z'),
      traceparent: '00-tp-01',
    };
    expect(
      read(JSON.stringify({ eventId: 'e', orderId: '42', userId: '7', status: 'ORDER_STATUS_PAYED', occurredAt: '2025-01-01T00:00:00Z' })),
    ).toEqual(expected);
    expect(read(JSON.stringify({ event_id: 'e', order_id: 42, user_id: 7, status: 4, occurred_at: '2025-01-01T00:00:00Z' }))).toEqual(
      expected,
    );
  });

  it('leaves field rules to the domain: unknown statuses and missing fields come through as such', () => {
    expect(read('{"status":"SHIPPED"}')).toMatchObject({ eventId: '', orderId: 0, status: 'UNRECOGNIZED', occurredAt: undefined });
  });

  it('refuses what is not a JSON object or not this event type', () => {
    for (const value of ['not json', '[1]', 'null', '42', '']) expect(() => read(value)).toThrow(UnreadableMessageError);
    expect(() => read(null)).toThrow(/empty value/);
    expect(() => read('{}', { 'event-type': Buffer.from('order.created') })).toThrow(/event-type/);
  });
});
