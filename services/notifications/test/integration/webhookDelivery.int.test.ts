import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaBroker, type KafkaBroker } from '../../../../packages/testkit/src/kafkaBroker';
import { freshDatabase } from '../../../../packages/testkit/src/testDatabase';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';
import { eventually, startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;
let webhook: http.Server;

interface Received {
  eventId: string;
  userId: number;
  answered: number;
}
const received: Received[] = [];
/** Decides the HTTP status of each webhook request; tests replace it. */
let answer: (body: { event_id: string; user_id: number }, attemptOfEvent: number) => number = () => 200;

beforeAll(async () => {
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { event_id: string; user_id: number };
      const attempt = received.filter((r) => r.eventId === parsed.event_id).length + 1;
      const status = answer(parsed, attempt);
      received.push({ eventId: parsed.event_id, userId: parsed.user_id, answered: status });
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
});
