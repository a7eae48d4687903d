import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;
let webhook: http.Server;

const secret = `whsec_${randomBytes(32).toString('base64')}`;

interface Received {
  eventId: string;
  userId: number;
  answered: number;
  headers: Record<string, string>;
  rawBody: Buffer;
  receivedAtMs: number;
}
const received: Received[] = [];
/** Decides the HTTP status of each correctly signed webhook request; tests replace it. */
let answer: (body: { event_id: string; user_id: number }, attemptOfEvent: number) => number = () => 200;

/** The spec's words, with node:crypto: `v1,` + base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed with the decoded secret. */
function verifiesByHand(headers: Record<string, string>, rawBody: Buffer): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = `v1,${createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]))
    .digest('base64')}`;
  return id !== undefined && timestamp !== undefined && (headers['webhook-signature'] ?? '').split(' ').includes(expected);
}

/** What a receiver using the standardwebhooks package with the same secret string concludes. */
function verifiesWithLibrary(headers: Record<string, string>, rawBody: Buffer): boolean {
  try {
    new Webhook(secret).verify(rawBody, headers);
    return true;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
}

beforeAll(async () => {
  webhook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const parsed = JSON.parse(rawBody.toString('utf8')) as { event_id: string; user_id: number };
      const attempt = received.filter((r) => r.eventId === parsed.event_id).length + 1;
      // A receiver refuses what it cannot verify; 401 is not retried, so a broken signature fails the tests below.
      const signed = verifiesByHand(headers, rawBody) && verifiesWithLibrary(headers, rawBody);
      const status = signed ? answer(parsed, attempt) : 401;
      received.push({ eventId: parsed.event_id, userId: parsed.user_id, answered: status, headers, rawBody, receivedAtMs: Date.now() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  broker = await startKafkaBroker();
  producer = await connectProducer(testKafka(broker.brokers));
  service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
    NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/orders`,
    NOTIFY_WEBHOOK_SECRET: secret,
    WEBHOOK_TIMEOUT: '1s',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_BACKOFF: '20ms',
    REDELIVERY_INTERVAL: '200ms',
    REDELIVERY_MAX_DELAY: '400ms',
  });
});

afterAll(async () => {
  await service?.stop();
  await producer?.disconnect();
  await broker?.stop();
  await new Promise((resolve) => webhook?.close(resolve));
});

const accepted = (userId: number) => received.filter((r) => r.userId === userId && r.answered === 200);

describe('the webhook channel', () => {
  it('retries a failing webhook with backoff and delivers once it accepts, setting delivered_at', async () => {
    const userId = uniqueUserId();
    answer = (_body, attempt) => (attempt <= 2 ? 503 : 200);
    const event = statusEvent({ orderId: 5, userId, status: 'PAYED' });
    await producer.send({ topic, messages: [messageOf(event)] });

    const [notification] = await eventually(
      'delivery',
      () => service.listAll(userId, 10),
      (all) => all[0]?.deliveredAt !== undefined,
    );
    expect(notification?.eventId).toBe(event.eventId);
    expect(received.filter((r) => r.eventId === event.eventId).map((r) => r.answered)).toEqual([503, 503, 200]);
    expect(await service.metric('notifications_delivered_total{channel="webhook"}')).toBe(1);
  });

  it('keeps notifications undelivered while the webhook is down and delivers each once when it is back', async () => {
    const userId = uniqueUserId();
    let down = true;
    answer = () => (down ? 503 : 200);
    const events = [
      statusEvent({ orderId: 6, userId, status: 'AWAITING_PAYMENT' }),
      statusEvent({ orderId: 6, userId, status: 'CANCELLED' }),
    ];
    await producer.send({ topic, messages: events.map(messageOf) });

    await eventually(
      'both recorded',
      () => service.listAll(userId, 10),
      (all) => all.length === 2,
    );
    await eventually(
      'a redelivery round failing',
      () => service.metric('notifications_delivery_failed_total{channel="webhook"}'),
      (n) => n >= 4,
    );
    expect((await service.listAll(userId, 10)).every((n) => n.deliveredAt === undefined)).toBe(true);

    down = false;
    const all = await eventually(
      'redelivery',
      () => service.listAll(userId, 10),
      (list) => list.every((n) => n.deliveredAt !== undefined),
    );
    expect(all.map((n) => n.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      accepted(userId)
        .map((r) => r.eventId)
        .sort(),
    ).toEqual(events.map((e) => e.eventId).sort());
  });

  it('signs every attempt, Standard Webhooks style, with the event id as webhook-id', async () => {
    const userId = uniqueUserId();
    answer = (_body, attempt) => (attempt === 1 ? 503 : 200);
    const event = statusEvent({ orderId: 7, userId, status: 'AWAITING_PAYMENT' });
    await producer.send({ topic, messages: [messageOf(event)] });

    await eventually(
      'delivery',
      () => service.listAll(userId, 10),
      (all) => all[0]?.deliveredAt !== undefined,
    );
    const attempts = received.filter((r) => r.eventId === event.eventId);
    expect(attempts.map((r) => r.answered)).toEqual([503, 200]);
    for (const delivery of attempts) {
      expect(delivery.headers['webhook-id']).toBe(event.eventId);
      expect(delivery.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(Math.abs(Number(delivery.headers['webhook-timestamp']) - delivery.receivedAtMs / 1000)).toBeLessThan(5);
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifiesByHand(delivery.headers, delivery.rawBody)).toBe(true);
      expect(verifiesWithLibrary(delivery.headers, delivery.rawBody)).toBe(true);
    }
  });

  it('signs so that a receiver refuses the body once one byte of it is changed', async () => {
    const userId = uniqueUserId();
    answer = () => 200;
    const event = statusEvent({ orderId: 8, userId, status: 'PAYED' });
    await producer.send({ topic, messages: [messageOf(event)] });
    await eventually(
      'delivery',
      async () => received.filter((r) => r.eventId === event.eventId && r.answered === 200),
      (accepted) => accepted.length === 1,
    );
    const { headers, rawBody } = received.find((r) => r.eventId === event.eventId) as Received;
    expect(verifiesByHand(headers, rawBody) && verifiesWithLibrary(headers, rawBody)).toBe(true);

    for (const at of [0, Math.floor(rawBody.length / 2), rawBody.length - 1]) {
      const tampered = Buffer.from(rawBody);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(verifiesByHand(headers, tampered), `byte ${at} flipped`).toBe(false);
      expect(verifiesWithLibrary(headers, tampered), `byte ${at} flipped`).toBe(false);
    }
    expect(verifiesWithLibrary({ ...headers, 'webhook-id': `${headers['webhook-id']}x` }, rawBody)).toBe(false);
  });
});
