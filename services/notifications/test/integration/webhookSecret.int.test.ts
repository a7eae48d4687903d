// Notifications as its bundle: a webhook URL without its secret stops start-up, and the secret never reaches a log line.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, type RunningBundle, spawnBundle, startKafkaBroker } from '@shop/devstack';
import { childEnv, eventually, freshDatabase, spawnService, testServerEnv } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';

const topic = 'loms.order-status';
const key = randomBytes(32);
const secret = `whsec_${key.toString('base64')}`;

/** Starts the bundle and waits for it to exit by itself; one that does not within 15 s counts as started. */
async function exitOfStartUp(env: Record<string, string>): Promise<{ code: string; output: string }> {
  const child = spawnBundle({ name: 'notifications', env: childEnv({ ...testServerEnv(), ...env }) });
  const started = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await child.exited;
  clearTimeout(started);
  return { code, output: child.output() };
}

describe('start-up without a usable webhook secret', () => {
  const unreachableDb = 'postgres://nobody@127.0.0.1:1/none';

  it('stops with a message naming NOTIFY_WEBHOOK_SECRET when NOTIFY_WEBHOOK_URL is set without it', async () => {
    const { code, output } = await exitOfStartUp({
      NOTIFICATIONS_DATABASE_URL: unreachableDb,
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    });
    expect(code).toBe('1');
    expect(output).toMatch(/NOTIFY_WEBHOOK_SECRET: required when NOTIFY_WEBHOOK_URL is set/);
  });

  it('stops on a secret too short to sign with, naming the variable but not printing the secret', async () => {
    const short = `whsec_${randomBytes(12).toString('base64')}`;
    const { code, output } = await exitOfStartUp({
      NOTIFICATIONS_DATABASE_URL: unreachableDb,
      NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      NOTIFY_WEBHOOK_SECRET: short,
    });
    expect(code).toBe('1');
    expect(output).toContain('NOTIFY_WEBHOOK_SECRET');
    expect(output).not.toContain(short.slice('whsec_'.length));
  });
});

describe('the webhook secret in the logs', () => {
  let broker: KafkaBroker;
  let webhook: http.Server;
  let service: RunningBundle | undefined;
  const lines: string[] = [];
  const answered: { eventId: string; status: number }[] = [];
  let refusedUser = 0;

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { event_id: string; user_id: number };
        const status = parsed.user_id === refusedUser ? 500 : 200;
        answered.push({ eventId: parsed.event_id, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    broker = await startKafkaBroker();
  });

  afterAll(async () => {
    await service?.stop();
    await broker?.stop();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it('never appears in a log line at trace level, through accepted and refused deliveries and shutdown', async () => {
    service = await spawnService({
      name: 'notifications',
      env: {
        LOG_LEVEL: 'trace',
        NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
        KAFKA_BROKERS: broker.brokers.join(','),
        KAFKA_SESSION_TIMEOUT: '3s',
        ORDER_STATUS_TOPIC: topic,
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/orders`,
        NOTIFY_WEBHOOK_SECRET: secret,
        WEBHOOK_MAX_ATTEMPTS: '2',
        WEBHOOK_BACKOFF: '20ms',
        REDELIVERY_INTERVAL: '200ms',
      },
      onLine: (line) => lines.push(line),
    });
    refusedUser = uniqueUserId();
    const accepted = statusEvent({ orderId: 1, userId: uniqueUserId(), status: 'PAYED' });
    const refused = statusEvent({ orderId: 2, userId: refusedUser, status: 'CANCELLED' });
    const producer = await connectProducer(testKafka(broker.brokers));
    try {
      await producer.send({ topic, messages: [messageOf(accepted), messageOf(refused)] });
    } finally {
      await producer.disconnect();
    }
    await eventually(
      'one delivery accepted and one refused',
      async () => answered,
      (all) => all.some((a) => a.eventId === accepted.eventId && a.status === 200) && all.some((a) => a.eventId === refused.eventId),
    );
    await eventually(
      'the refusal logged',
      async () => lines.filter((l) => l.includes('notification not delivered')),
      (found) => found.length > 0,
    );
    await service.stop();

    expect(lines.some((l) => l.includes('notifications started'))).toBe(true);
    const forms = [secret, key.toString('base64'), key.toString('hex'), key.toString('base64url')];
    expect(lines.filter((line) => forms.some((form) => line.includes(form)))).toEqual([]);
  });
});
