import { randomUUID } from 'node:crypto';
import { loms } from '@shop/proto';
import type { KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId, type Status } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const databaseUrl = await freshDatabase('notifications');
  producer = await connectProducer(testKafka(broker.brokers));
  service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
  });
});

afterAll(async () => {
  await service?.stop();
  await producer?.disconnect();
  await broker?.stop();
});

const historyOf = (userId: number, expected: number) =>
  eventually(
    `${expected} notifications of user ${userId}`,
    () => service.listAll(userId, 1000),
    (all) => all.length >= expected,
  );

describe('consuming order status events', () => {
  it('shows a produced event in the user history, and stores an event produced twice only once', async () => {
    const userId = uniqueUserId();
    const paid = statusEvent({ orderId: 42, userId, status: 'PAYED' });
    await producer.send({ topic, messages: [messageOf(paid)] });

    const [first] = await historyOf(userId, 1);
    expect(first).toMatchObject({
      eventId: paid.eventId,
      orderId: 42,
      status: loms.OrderStatus.ORDER_STATUS_PAYED,
      message: 'Order 42 is paid',
    });
    expect(first?.createdAt).toBeInstanceOf(Date);
    await eventually(
      'delivery through the log channel',
      () => service.listAll(userId, 10),
      (all) => all[0]?.deliveredAt !== undefined,
    );

    const later = statusEvent({ orderId: 43, userId, status: 'CANCELLED' });
    await producer.send({ topic, messages: [messageOf(paid), messageOf(later)] });
    const all = await historyOf(userId, 2);
    expect(all.map((n) => n.eventId)).toEqual([later.eventId, paid.eventId]);
    expect(await service.metric('notifications_deduplicated_total')).toBe(1);
    expect(await service.readyz()).toBe(200);
  });

  it('keeps each order in order and pages through every notification exactly once, newest first', async () => {
    const userId = uniqueUserId();
    const lifecycles: Status[][] = [
      ['AWAITING_PAYMENT', 'PAYED'],
      ['AWAITING_PAYMENT', 'CANCELLED'],
      ['FAILED'],
      ['AWAITING_PAYMENT', 'PAYED'],
      ['AWAITING_PAYMENT', 'CANCELLED'],
    ];
    const produced = lifecycles.map((statuses, i) => statuses.map((status) => statusEvent({ orderId: 1000 + i, userId, status })));
    // Interleaved across orders, as LOMS would publish them; each order's own events stay in order.
    for (let step = 0; step < 2; step++) {
      await producer.send({ topic, messages: produced.flatMap((events) => events.slice(step, step + 1).map(messageOf)) });
    }
    const total = produced.flat().length;
    await historyOf(userId, total);

    const paged = await service.listAll(userId, 3);
    expect(paged).toHaveLength(total);
    expect(new Set(paged.map((n) => n.eventId)).size).toBe(total);
    const times = paged.map((n) => n.createdAt?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const events of produced) {
      const orderId = events[0]?.orderId;
      const seenOldestFirst = paged
        .filter((n) => n.orderId === orderId)
        .map((n) => n.eventId)
        .reverse();
      expect(seenOldestFirst).toEqual(events.map((e) => e.eventId));
    }
  });

  it('sends unreadable and invalid messages to the dead-letter topic with the reason and goes on', async () => {
    const userId = uniqueUserId();
    const invalid = { eventId: 'not-a-uuid', orderId: 0, userId, status: 'ORDER_STATUS_PAYED', occurredAt: new Date().toISOString() };
    const good = statusEvent({ orderId: 77, userId, status: 'AWAITING_PAYMENT' });
    await producer.send({
      topic,
      messages: [
        { key: '77', value: 'this is {not json', headers: { 'event-type': 'order.status_changed' } },
        { key: '77', value: JSON.stringify(invalid), headers: { 'event-type': 'order.status_changed', traceparent: 'tp-1' } },
        messageOf(good),
      ],
    });
    const [recorded] = await historyOf(userId, 1);
    expect(recorded?.eventId).toBe(good.eventId);

    const deadLetters = await readTopic(`${topic}.dlq`, 2);
    const [unreadable, rejected] = deadLetters;
    expect(unreadable?.value?.toString()).toBe('this is {not json');
    expect(unreadable?.headers?.error?.toString()).toMatch(/not JSON/);
    expect(rejected?.key?.toString()).toBe('77');
    expect(JSON.parse(rejected?.value?.toString() ?? '')).toEqual(invalid);
    expect(rejected?.headers?.traceparent?.toString()).toBe('tp-1');
    expect(rejected?.headers?.error?.toString()).toMatch(/event_id: must be a UUID; order_id: must be an integer greater than 0/);
    expect(await service.metric('notifications_dead_lettered_total{kind="unreadable"}')).toBe(1);
    expect(await service.metric('notifications_dead_lettered_total{kind="invalid"}')).toBe(1);
  });
});

async function readTopic(name: string, count: number): Promise<KafkaMessage[]> {
  const consumer = testKafka(broker.brokers).consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 500 });
  const received: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    await eventually(
      `${count} messages on ${name}`,
      async () => received.length,
      (n) => n >= count,
    );
    return received.sort((a, b) => Number(a.offset) - Number(b.offset));
  } finally {
    await consumer.disconnect();
  }
}
