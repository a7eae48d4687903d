// Order status events as LOMS publishes them, produced with a plain kafkajs producer.
import { randomUUID } from 'node:crypto';
import { events, loms } from '@shop/proto';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';

export type Status = 'AWAITING_PAYMENT' | 'FAILED' | 'PAYED' | 'CANCELLED';

/** Versions numbered as LOMS numbers them: per order, 1 for the first event made here, +1 for each later one. */
const lastVersionOf = new Map<number, number>();

export function statusEvent(fields: {
  orderId: number;
  userId: number;
  status: Status;
  eventId?: string;
  version?: number;
}): events.OrderStatusChanged {
  return {
    eventId: fields.eventId ?? randomUUID(),
    orderId: fields.orderId,
    userId: fields.userId,
    status: loms.orderStatusFromJSON(`ORDER_STATUS_${fields.status}`),
    previousStatus: loms.OrderStatus.ORDER_STATUS_NEW,
    occurredAt: new Date(),
    items: [{ sku: 1, count: 2 }],
    version: fields.version ?? nextVersion(fields.orderId),
  };
}

function nextVersion(orderId: number): number {
  const version = (lastVersionOf.get(orderId) ?? 0) + 1;
  lastVersionOf.set(orderId, version);
  return version;
}

export function messageOf(event: events.OrderStatusChanged): Message {
  return {
    key: String(event.orderId),
    value: JSON.stringify(events.OrderStatusChanged.toJSON(event)),
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'event-type': 'order.status_changed' },
  };
}

export function testKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'notifications-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

export const uniqueUserId = (() => {
  let next = Math.floor(Math.random() * 1_000_000) * 1_000;
  return () => ++next;
})();
