// Messages that cannot be read or stored go to the dead-letter topic; those behind them on the partition are still recorded.
import { events } from '@shop/proto';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { collectTopic, eventually, freshDatabase, type TopicCollector } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;
let deadLetters: TopicCollector;
let databaseName: string;
const fatal: Error[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  const databaseUrl = await freshDatabase('notifications');
  databaseName = new URL(databaseUrl).pathname.slice(1);
  producer = await connectProducer(testKafka(broker.brokers));
  service = await startTestNotifications(
    // A short statement timeout, so that a statement stuck behind a lock fails (and is retried) within the test.
    {
      NOTIFICATIONS_DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: broker.brokers.join(','),
      ORDER_STATUS_TOPIC: topic,
      DB_STATEMENT_TIMEOUT: '1s',
    },
    { onFatal: (err) => fatal.push(err) },
  );
  deadLetters = await collectTopic(broker.brokers, `${topic}.dlq`);
});

afterAll(async () => {
  await deadLetters?.stop();
  await service?.stop();
  await producer?.disconnect();
  await broker?.stop();
});

const jsonOf = (event: events.OrderStatusChanged) => events.OrderStatusChanged.toJSON(event) as Record<string, unknown>;

describe('a message that cannot be read or stored', () => {
  it('goes to the dead-letter topic with its reason, and the valid message behind it on the partition is recorded', async () => {
    const userId = uniqueUserId();
    const orderId = 9_100;
    const nullItem = { ...jsonOf(statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 })), items: [null] };
    const ancient = {
      ...jsonOf(statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 })),
      occurredAt: '-010000-01-01T00:00:00Z',
    };
    const withNul = messageOf(statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 }));
    withNul.headers = { ...withNul.headers, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033\u000031-01' };
    const good = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const headers = { 'event-type': 'order.status_changed' };
    await producer.send({
      topic,
      messages: [
        { key: String(orderId), partition: 0, value: JSON.stringify(nullItem), headers },
        { key: String(orderId), partition: 0, value: JSON.stringify(ancient), headers },
        { ...withNul, partition: 0 },
        { ...messageOf(good), partition: 0 },
      ],
    });

    const recorded = await eventually(
      'the valid message recorded',
      () => service.listAll(userId, 10),
      (all) => all.length > 0,
    );
    expect(recorded.map((n) => n.eventId)).toEqual([good.eventId]);
    await deadLetters.waitFor('three dead letters', (all) => all.length >= 3);
    const reasons = deadLetters.messages.map((m) => m.headers.error);
    expect(reasons[0]).toMatch(/^items\[0\]: must be an object/);
    expect(reasons[1]).toMatch(/^occurred_at: must be an RFC 3339 timestamp/);
    expect(reasons[2]).toMatch(/database refused it: .*0x00 \(SQLSTATE 22021\)/);
    expect(deadLetters.messages.map((m) => m.headers['dlq-original-offset'])).toEqual(['0', '1', '2']);
    expect(deadLetters.messages[2]?.headers.traceparent).toContain('\u0000');
    expect(await service.metric('notifications_dead_lettered_total{kind="unreadable"}')).toBe(2);
    expect(await service.metric('notifications_dead_lettered_total{kind="rejected"}')).toBe(1);
    expect(fatal).toEqual([]);
    expect(await service.metric('notifications_consumer_members_replaced_total')).toBe(0);
    expect(await service.readyz()).toBe(200);
  });

  it('is retried, not dead-lettered, while the database is unreachable, and recorded once it is back', async () => {
    const userId = uniqueUserId();
    const event = statusEvent({ orderId: 9_200, userId, status: 'PAYED', version: 1 });
    const admin = new Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    const deadBefore = deadLetters.messages.length;
    try {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      await producer.send({ topic, messages: [messageOf(event)] });
      // Long enough for several failed attempts to store it.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(deadLetters.messages.length).toBe(deadBefore);
    } finally {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const recorded = await eventually(
      'the event recorded after the outage',
      () => service.listAll(userId, 10),
      (all) => all.length > 0,
      60_000,
    );
    expect(recorded.map((n) => n.eventId)).toEqual([event.eventId]);
    expect(deadLetters.messages.length).toBe(deadBefore);
    expect(fatal).toEqual([]);
    expect(await service.metric('notifications_consumer_members_replaced_total')).toBe(0);
  }, 90_000);

  it('is retried, not dead-lettered, while its statements time out behind a lock, and recorded once the lock is gone', async () => {
    const userId = uniqueUserId();
    const event = statusEvent({ orderId: 9_300, userId, status: 'PAYED', version: 1 });
    const locker = new Client({ connectionString: inject('postgresAdminUrl').replace(/\/[^/]*$/, `/${databaseName}`) });
    await locker.connect();
    const deadBefore = deadLetters.messages.length;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE order_versions IN ACCESS EXCLUSIVE MODE');
      await producer.send({ topic, messages: [messageOf(event)] });
      // Several statement timeouts (57014) long.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(await service.listAll(userId, 10)).toEqual([]);
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    const recorded = await eventually(
      'the event recorded after the lock',
      () => service.listAll(userId, 10),
      (all) => all.length > 0,
      60_000,
    );
    expect(recorded.map((n) => n.eventId)).toEqual([event.eventId]);
    expect(deadLetters.messages.length).toBe(deadBefore);
    expect(fatal).toEqual([]);
    expect(await service.metric('notifications_consumer_members_replaced_total')).toBe(0);
  }, 90_000);
});
