import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../domain/notification';
import { webhookChannel } from './webhookChannel';

const key = randomBytes(32);
const secret = `whsec_${key.toString('base64')}`;
const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(requests.length < 3 ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const notification: Notification = {
  eventId: 'a3c9f3de-7d1b-4f7e-9b0e-5d2f1c0b9e11',
  userId: 7,
  orderId: 42,
  status: 'PAYED',
  message: 'Order 42 is paid',
  occurredAt: new Date('2026-03-01T10:00:00Z'),
  version: 2,
  traceparent: undefined,
  createdAt: new Date('2026-03-01T10:00:01Z'),
  deliveredAt: null,
};

describe('webhookChannel', () => {
  it('retries with the same webhook-id and signs each attempt afresh with its own timestamp', async () => {
    const startSeconds = 1_780_000_000;
    let calls = 0;
    const channel = webhookChannel({
      url,
      secret,
      attemptTimeoutMs: 2_000,
      maxAttempts: 3,
      backoffMs: 1,
      sleep: async () => undefined,
      clock: () => new Date((startSeconds + 30 * calls++) * 1000 + 250),
    });
    await channel.deliver(notification, new AbortController().signal);

    expect(requests).toHaveLength(3);
    expect(requests.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(notification.eventId));
    expect(requests.map((r) => r.headers['webhook-timestamp'])).toEqual(['1780000000', '1780000030', '1780000060']);
    const signatures = requests.map((r) => r.headers['webhook-signature']);
    expect(new Set(signatures).size).toBe(3);
    for (const r of requests) {
      const signed = `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`;
      expect(r.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
    }
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
  });

  it('passes a well-formed traceparent on and leaves out one that is not, still delivering', async () => {
    const channel = webhookChannel({ url, secret, attemptTimeoutMs: 2_000, maxAttempts: 1, backoffMs: 1 });
    const wellFormed = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const before = requests.length;
    await channel.deliver({ ...notification, traceparent: wellFormed }, new AbortController().signal);
    await channel.deliver({ ...notification, traceparent: `${wellFormed}\r\nx-injected: 1` }, new AbortController().signal);
    await channel.deliver({ ...notification, traceparent: 'tp-1' }, new AbortController().signal);
    expect(requests.slice(before).map((r) => r.headers.traceparent)).toEqual([wellFormed, undefined, undefined]);
    expect(requests.slice(before).every((r) => r.headers['x-injected'] === undefined)).toBe(true);
  });
});
