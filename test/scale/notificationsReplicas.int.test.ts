// Two Notifications replicas (real processes) in one consumer group on one database: the group splits the
// topic's partitions between them, and every event is recorded exactly once, each order's in the order sent.
import { Pool } from 'pg';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, type RunningBundle, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase, scrapeMetric, spawnService } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka } from '../../services/notifications/test/integration/statusEvents';
import { recordedNotifications } from '../e2e/support/lomsChecks';
import { quickGroupEnv } from '../e2e/support/stackEnv';

const topic = 'loms.order-status';
const orders = 60;
let broker: KafkaBroker | undefined;
let producer: Producer | undefined;
let pool: Pool | undefined;
const replicas: RunningBundle[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  const url = await freshDatabase('notifications');
  pool = new Pool({ connectionString: url, max: 2 });
  producer = await connectProducer(testKafka(broker.brokers));
  const env = { NOTIFICATIONS_DATABASE_URL: url, KAFKA_BROKERS: broker.brokers.join(','), ORDER_STATUS_TOPIC: topic, ...quickGroupEnv };
  // Each is ready once it has joined the group, so with both ready the group has both as members. One after
  // the other: the local broker refuses a SyncGroup of two members joining in the same instant (code 42).
  for (let i = 0; i < 2; i++) replicas.push(await spawnService({ name: 'notifications', env }));
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop(2_000).catch(() => undefined)));
  await producer?.disconnect().catch(() => undefined);
  await pool?.end();
  await broker?.stop();
});

describe('two Notifications replicas in one consumer group', () => {
  it('share the partitions and record every event exactly once, in order per order', async () => {
    const sent = (['AWAITING_PAYMENT', 'PAYED'] as const).flatMap((status) =>
      Array.from({ length: orders }, (_, i) => statusEvent({ orderId: 1 + i, userId: 20_000 + i, status })),
    );
    await producer!.send({ topic, messages: sent.slice(0, orders).map(messageOf) });
    await producer!.send({ topic, messages: sent.slice(orders).map(messageOf) });

    const recorded = await eventually(
      'every event recorded',
      () => recordedNotifications(pool!),
      (rows) => rows.length >= sent.length,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await recordedNotifications(pool!)).length).toBe(sent.length);
    expect(new Set(recorded.map((n) => n.eventId))).toEqual(new Set(sent.map((e) => e.eventId)));
    // Each order's AWAITING_PAYMENT before its PAYED: one partition per order, one replica per partition.
    for (let orderId = 1; orderId <= orders; orderId++)
      expect(recorded.filter((n) => n.orderId === orderId).map((n) => n.status)).toEqual(['AWAITING_PAYMENT', 'PAYED']);

    const perReplica = await Promise.all(replicas.map((r) => scrapeMetric(r.adminPort, 'notifications_recorded_total')));
    for (const count of perReplica) expect(count).toBeGreaterThan(0);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(sent.length);
  });
});
