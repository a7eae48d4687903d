// An outbox row as the Kafka message of docs/events.md: key = order id, value = JSON of events.v1.OrderStatusChanged,
// headers = CloudEvents 1.0 in Kafka binary mode, plus event-type and the producer span's traceparent.
import type { Message } from 'kafkajs';
import { events, loms } from '@shop/proto';
import type { OrderStatusRow } from '../../storage/outboxRelayQueries';

export const eventTypeHeader = 'order.status_changed';
export const cloudEventType = 'shop.order.status_changed.v1';
export const cloudEventSource = 'loms';

const toProtoStatus = (status: string): loms.OrderStatus => loms.orderStatusFromJSON(`ORDER_STATUS_${status}`);

/** `traceparent` is the producer span's: the message continues the trace of the change. */
export function orderStatusMessage(row: OrderStatusRow, traceparent: string | undefined): Message {
  const value = events.OrderStatusChanged.toJSON({
    eventId: row.event_id,
    orderId: Number(row.order_id),
    userId: Number(row.user_id),
    status: toProtoStatus(row.status),
    previousStatus: toProtoStatus(row.previous_status),
    occurredAt: row.occurred_at,
    items: row.items,
    version: row.version,
  });
  const headers: Record<string, string> = {
    'event-type': eventTypeHeader,
    ce_specversion: '1.0',
    ce_id: row.event_id,
    ce_source: cloudEventSource,
    ce_type: cloudEventType,
    ce_subject: row.order_id,
    ce_time: row.occurred_at.toISOString(),
    'content-type': 'application/json',
  };
  if (traceparent) headers.traceparent = traceparent;
  return { key: row.order_id, value: JSON.stringify(value), headers };
}
