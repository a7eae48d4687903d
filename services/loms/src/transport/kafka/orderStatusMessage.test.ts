import { describe, expect, it } from 'vitest';
import { events } from '@shop/proto';
import { orderStatusMessage } from './orderStatusMessage';

const row = {
  id: '9',
  event_type: 'order.status_changed' as const,
  event_id: '3f0c2b8e-4d0a-4c3b-9e77-1a2b3c4d5e6f',
  order_id: '42',
  user_id: '7',
  status: 'PAYED',
  previous_status: 'AWAITING_PAYMENT',
  items: [{ sku: 1001, count: 2 }],
  occurred_at: new Date('2026-01-01T00:05:00.123Z'),
  traceparent: null,
  version: 2,
};

describe('orderStatusMessage', () => {
  it('carries the version in the value and the CloudEvents binary-mode headers beside event-type and traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const message = orderStatusMessage(row, traceparent);
    expect(message.key).toBe('42');
    const value = events.OrderStatusChanged.fromJSON(JSON.parse(String(message.value)));
    expect(value).toMatchObject({ eventId: row.event_id, orderId: 42, version: 2, occurredAt: row.occurred_at });
    expect(message.headers).toEqual({
      'event-type': 'order.status_changed',
      traceparent,
      ce_specversion: '1.0',
      ce_id: row.event_id,
      ce_source: 'loms',
      ce_type: 'shop.order.status_changed.v1',
      ce_subject: '42',
      ce_time: '2026-01-01T00:05:00.123Z',
      'content-type': 'application/json',
    });
  });

  it('leaves traceparent out when the change was not traced', () => {
    expect(orderStatusMessage(row, undefined).headers).not.toHaveProperty('traceparent');
  });
});
