// kill -9 of Notifications (a real child process) in the middle of a batch: on restart in the same group every event is recorded once.
import { Pool } from 'pg';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type KafkaBroker, type RunningBundle, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase, scrapeMetric, spawnService } from '@shop/testkit';
import {
  connectProducer,
  messageOf,
  statusEvent,
  testKafka,
  type Status,
} from '../../services/notifications/test/integration/statusEvents';
import { eventIdsByOrder, notificationCount, recordedNotifications } from './support/lomsChecks';
import { report } from './support/measurements';
import { quickGroupEnv } from './support/stackEnv';

const topic = 'loms.order-status';
const groupId = 'notifications';
let broker: KafkaBroker | undefined;
let producer: Producer | undefined;
let pool: Pool | undefined;
let env: Record<string, string>;
const children: RunningBundle[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  const url = await freshDatabase('notifications');
  pool = new Pool({ connectionString: url, max: 2 });
  producer = await connectProducer(testKafka(broker.brokers));
  env = {
    NOTIFICATIONS_DATABASE_URL: url,
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
    KAFKA_GROUP_ID: groupId,
    ...quickGroupEnv,
  };
});

afterAll(async () => {
  for (const child of children) await child.stop(2_000).catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await pool?.end();
  await broker?.stop();
});

const lifecycle: Status[] = ['AWAITING_PAYMENT', 'PAYED', 'AWAITING_PAYMENT', 'CANCELLED'];

/** `count` events over 80 orders (each order's events in a fixed order), sent in batches of 100. */
async function produce(count: number, offset: number): Promise<{ eventId: string; orderId: number; status: string }[]> {
  const events = Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    const orderId = 1 + (i % 80);
    return statusEvent({
      orderId,
      userId: 10_000 + orderId,
      status: lifecycle[Math.floor(i / 80) % lifecycle.length]!,
    });
  });
  for (let i = 0; i < events.length; i += 100)
    await producer!.send({
      topic,
      messages: events.slice(i, i + 100).map(messageOf),
    });
  return events.map((e) => ({
    eventId: e.eventId,
    orderId: e.orderId,
    status: e.status === 0 ? '' : (statusNames[e.status] ?? ''),
  }));
}
const statusNames: Record<number, string> = {
  2: 'AWAITING_PAYMENT',
  3: 'FAILED',
  4: 'PAYED',
  5: 'CANCELLED',
};

describe('Notifications killed with SIGKILL in the middle of a batch', () => {
  it('records every event exactly once after it restarts in the same consumer group', async () => {
    const sent = await produce(3_000, 0);
    const ports = { grpcPort: await freePort(), adminPort: await freePort() };
    const first = await spawnService({ name: 'notifications', env, ...ports });
    children.push(first);
    const startedAt = Date.now();
    // Kill while it is busy: a third recorded, the rest still to come.
    const atKill = await eventually(
      'a third of the events recorded',
      () => notificationCount(pool!),
      (n) => n >= 1_000,
      30_000,
      5,
    );
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const killedAt = Date.now();
    const recordedAtKill = await notificationCount(pool!);
    expect(recordedAtKill).toBeLessThan(sent.length);
    // More events arrive while it is down.
    sent.push(...(await produce(1_000, 3_000)));

    const second = await spawnService({ name: 'notifications', env, ...ports });
    children.push(second);
    const restartedAt = Date.now();
    const recorded = await eventually(
      'every event recorded',
      () => recordedNotifications(pool!),
      (rows) => rows.length >= sent.length,
      60_000,
      50,
    );
    const convergedAt = Date.now();
    // A moment later nothing more has been recorded.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await notificationCount(pool!)).toBe(sent.length);
    expect(new Set(recorded.map((n) => n.eventId))).toEqual(new Set(sent.map((e) => e.eventId)));
    // Each order's events were recorded in the order they were sent (a redelivery never reorders).
    const sentOrder = eventIdsByOrder(sent);
    const recordedOrder = eventIdsByOrder(recorded);
    expect(recordedOrder).toEqual(sentOrder);

    // Offsets were committed only for stored events: the group ends at the end of every partition.
    const admin = testKafka(broker!.brokers).admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await eventually(
        'committed offsets at the end of the topic',
        async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [],
        (committed) => ends.every((end) => committed.find((c) => c.partition === end.partition)?.offset === end.high),
        15_000,
      );
    } finally {
      await admin.disconnect();
    }

    report('notifications crash', {
      events: sent.length,
      recordedWhenKillWasDecided: atKill,
      recordedAtKill,
      firstInstanceRecordsPerSecond: Math.round((recordedAtKill / (killedAt - startedAt)) * 1_000),
      restartToReadyMs: restartedAt - killedAt,
      convergedAfterKillMs: convergedAt - killedAt,
      redeliveredAndDeduplicated: await scrapeMetric(second.adminPort, 'notifications_deduplicated_total'),
    });
  }, 120_000);
});
