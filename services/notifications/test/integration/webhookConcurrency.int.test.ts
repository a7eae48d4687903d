// Webhook delivery against slow, hanging and failing receivers: deliveries run concurrently up to DELIVERY_CONCURRENCY
// per replica, one slow notification holds up no other, and each is delivered exactly once when the receiver recovers.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
const concurrency = 4;
const secret = `whsec_${randomBytes(32).toString('base64')}`;
let broker: KafkaBroker;
let producer: Producer;
let receiver: http.Server;
let receiverUrl: string;
const started: TestNotifications[] = [];

interface Answer {
  /** How long the receiver takes before it answers; Infinity: it never answers. */
  delayMs: number;
  status: number;
}
/** What the receiver does with a request; tests replace it. */
let answerFor: (body: { event_id: string; user_id: number }) => Answer = () => ({ delayMs: 0, status: 200 });
/** Requests being answered right now, per replica (the path names it). */
const inFlight = new Map<string, number>();
const maxInFlight = new Map<string, number>();
const answered: { replica: string; eventId: string; userId: number; status: number; atMs: number }[] = [];
const requested: { eventId: string; atMs: number }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const replica = req.url ?? '';
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event_id: string; user_id: number };
      requested.push({ eventId: body.event_id, atMs: Date.now() });
      const now = (inFlight.get(replica) ?? 0) + 1;
      inFlight.set(replica, now);
      maxInFlight.set(replica, Math.max(maxInFlight.get(replica) ?? 0, now));
      const { delayMs, status } = answerFor(body);
      const done = () => inFlight.set(replica, (inFlight.get(replica) ?? 1) - 1);
      if (delayMs === Infinity) {
        req.socket.once('close', done);
        return;
      }
      setTimeout(() => {
        done();
        res.writeHead(status).end(() => answered.push({ replica, eventId: body.event_id, userId: body.user_id, status, atMs: Date.now() }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  broker = await startKafkaBroker();
  producer = await connectProducer(testKafka(broker.brokers));
});

afterEach(async () => {
  for (const service of started.splice(0)) await service.stop();
  inFlight.clear();
  maxInFlight.clear();
});

afterAll(async () => {
  await producer?.disconnect();
  await broker?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function startReplica(name: string, databaseUrl: string, env: Record<string, string> = {}): Promise<TestNotifications> {
  const service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
    NOTIFY_WEBHOOK_URL: `${receiverUrl}/${name}`,
    NOTIFY_WEBHOOK_SECRET: secret,
    DELIVERY_CONCURRENCY: String(concurrency),
    WEBHOOK_TIMEOUT: '3s',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_BACKOFF: '20ms',
    REDELIVERY_INTERVAL: '200ms',
    REDELIVERY_MAX_DELAY: '400ms',
    ...env,
  });
  started.push(service);
  return service;
}

/** One event for each of `count` orders of one user. */
async function produceFor(userId: number, count: number, firstOrderId: number): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => statusEvent({ orderId: firstOrderId + i, userId, status: 'AWAITING_PAYMENT' }));
  await producer.send({ topic, messages: events.map(messageOf) });
  return events.map((e) => e.eventId);
}

const acceptedOf = (userId: number) => answered.filter((a) => a.userId === userId && a.status === 200);
const timesEach = (ids: string[]) => ids.map((id) => answered.filter((a) => a.eventId === id && a.status === 200).length);

describe('webhook delivery', () => {
  it('delivers to a slow receiver concurrently, never more at once than DELIVERY_CONCURRENCY', async () => {
    const userId = uniqueUserId();
    const delayMs = 400;
    answerFor = () => ({ delayMs, status: 200 });
    await startReplica('slow', await freshDatabase('notifications'));
    const startedAt = Date.now();
    const ids = await produceFor(userId, 24, 10_000);

    await eventually(
      'every notification accepted',
      async () => acceptedOf(userId).length,
      (n) => n >= ids.length,
      30_000,
    );
    const elapsedMs = Date.now() - startedAt;
    expect(maxInFlight.get('/slow')).toBe(concurrency);
    expect(timesEach(ids)).toEqual(ids.map(() => 1));
    // One at a time this takes 24 × 400 ms.
    expect(elapsedMs).toBeLessThan(ids.length * delayMs);
  });

  it('lets a receiver that hangs on one notification hold up none of the others', async () => {
    const userId = uniqueUserId();
    const hungUser = uniqueUserId();
    answerFor = (body) => (body.user_id === hungUser ? { delayMs: Infinity, status: 200 } : { delayMs: 20, status: 200 });
    await startReplica('hanging', await freshDatabase('notifications'));
    const [hung] = await produceFor(hungUser, 1, 20_000);
    await eventually(
      'the hanging request under way',
      async () => requested.filter((r) => r.eventId === hung),
      (r) => r.length > 0,
    );
    const hungSince = requested.find((r) => r.eventId === hung)?.atMs ?? 0;
    const ids = await produceFor(userId, 12, 20_100);

    await eventually(
      'the other notifications accepted',
      async () => acceptedOf(userId).length,
      (n) => n >= ids.length,
    );
    // Before the hanging request's first attempt has even timed out (WEBHOOK_TIMEOUT, 3 s).
    expect(Math.max(...acceptedOf(userId).map((a) => a.atMs)) - hungSince).toBeLessThan(3_000);
    expect(maxInFlight.get('/hanging')).toBeLessThanOrEqual(concurrency);
  });

  it('delivers each notification exactly once across two replicas when a failing receiver recovers, slowly', async () => {
    const userId = uniqueUserId();
    const databaseUrl = await freshDatabase('notifications');
    let up = false;
    answerFor = () => (up ? { delayMs: 1_000, status: 200 } : { delayMs: 0, status: 503 });
    const consuming = await startReplica('a', databaseUrl);
    // A second replica on the same database; its consumer reads a topic nobody writes, so it only delivers.
    await startReplica('b', databaseUrl, { ORDER_STATUS_TOPIC: 'unused.order-status', KAFKA_GROUP_ID: 'delivery-only' });
    const ids = await produceFor(userId, 60, 30_000);
    await eventually(
      'every notification recorded',
      () => consuming.listAll(userId, 100),
      (all) => all.length === ids.length,
    );
    await eventually(
      'each notification failing more than once',
      async () => ids.filter((id) => answered.filter((a) => a.eventId === id && a.status === 503).length > 3).length,
      (n) => n === ids.length,
      30_000,
    );

    up = true;
    await eventually(
      'every notification accepted',
      async () => new Set(acceptedOf(userId).map((a) => a.eventId)).size,
      (n) => n === ids.length,
      90_000,
    );
    await eventually(
      'every notification marked delivered',
      () => consuming.listAll(userId, 100),
      (all) => all.every((n) => n.deliveredAt !== undefined),
    );
    // Longer than a delivery and its redelivery interval: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(timesEach(ids)).toEqual(ids.map(() => 1));
    expect(maxInFlight.get('/a')).toBeLessThanOrEqual(concurrency);
    expect(maxInFlight.get('/b')).toBeLessThanOrEqual(concurrency);
    // Both replicas delivered.
    expect(new Set(acceptedOf(userId).map((a) => a.replica))).toEqual(new Set(['/a', '/b']));
  }, 150_000);
});
