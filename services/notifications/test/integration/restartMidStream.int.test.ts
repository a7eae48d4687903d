import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let env: Record<string, string>;
const running: TestNotifications[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  producer = await connectProducer(testKafka(broker.brokers));
  env = {
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
    KAFKA_GROUP_ID: 'notifications',
    // The group waits up to a session for the stopped member before the new one may join.
    KAFKA_SESSION_TIMEOUT: '6s',
  };
});

afterAll(async () => {
  for (const service of running) await service.stop().catch(() => undefined);
  await producer?.disconnect();
  await broker?.stop();
});

describe('a restart in the middle of a stream', () => {
  it('records every event exactly once when Notifications is stopped and started again in the same group', async () => {
    const userId = uniqueUserId();
    const events = Array.from({ length: 60 }, (_, i) =>
      statusEvent({ orderId: 100 + (i % 7), userId, status: i % 2 ? 'PAYED' : 'AWAITING_PAYMENT' }),
    );
    const first = await startTestNotifications(env);
    running.push(first);

    await producer.send({ topic, messages: events.slice(0, 20).map(messageOf) });
    await eventually(
      'the first events',
      () => first.list({ userId, pageSize: 1000 }),
      (page) => page.notifications.length >= 10,
    );
    // Keep producing while the first instance goes away.
    const producing = (async () => {
      for (const event of events.slice(20)) {
        await producer.send({ topic, messages: [messageOf(event)] });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.stop();
    running.pop();
    await producing;

    const second = await startTestNotifications(env);
    running.push(second);
    const all = await eventually(
      'every event',
      () => second.listAll(userId, 25),
      (list) => list.length >= events.length,
    );
    expect(all).toHaveLength(events.length);
    expect(new Set(all.map((n) => n.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(await second.metric('notifications_recorded_total')).toBeGreaterThan(0);

    // Offsets were committed only for stored events: the group is now at the end of every partition.
    const admin = testKafka(broker.brokers).admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await eventually(
        'committed offsets at the end of the topic',
        async () => (await admin.fetchOffsets({ groupId: 'notifications', topics: [topic] }))[0]?.partitions ?? [],
        (committed) => ends.every((end) => committed.find((c) => c.partition === end.partition)?.offset === end.high),
      );
    } finally {
      await admin.disconnect();
    }
  });
});
