import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createLogger } from '@shop/platform';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { type CollectedMessage, collectTopic } from '@shop/testkit';
import { Pool } from 'pg';
import { startOutboxRelay } from '../../src/workers/startOutboxRelay';
import { setStock, startLomsTestServer, type LomsTestServer } from './lomsTestServer';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let server: LomsTestServer;

beforeAll(async () => {
  broker = await startKafkaBroker();
  server = await startLomsTestServer({
    OUTBOX_RELAY_ENABLED: 'true',
    KAFKA_BROKERS: broker.brokers.join(','),
    OUTBOX_POLL_INTERVAL: '20ms',
    OUTBOX_SEND_TIMEOUT: '2s',
  });
  await setStock(server.pool, [{ sku: 1, warehouseId: 1, total: 100_000 }]);
});
afterAll(async () => {
  await server.stop();
  await broker.stop();
});

const parse = (m: CollectedMessage) =>
  JSON.parse(m.value) as { eventId: string; orderId: number; status: string; previousStatus: string; occurredAt: string; version: number };

async function unpublished(): Promise<number> {
  const { rows } = await server.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(rows[0]?.n);
}

/** Delivery is at least once: a redelivered event repeats an event id, so order is judged on first arrivals. */
function expectInOrderPerOrder(messages: CollectedMessage[], orderIds: number[]): void {
  const seen = new Set<string>();
  const firstArrivals = messages.map(parse).filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
  for (const orderId of orderIds) {
    const statuses = firstArrivals.filter((e) => e.orderId === orderId).map((e) => e.status);
    expect(statuses).toEqual(['ORDER_STATUS_AWAITING_PAYMENT', 'ORDER_STATUS_PAYED']);
  }
}

describe('outbox relay', () => {
  it('publishes each status change keyed by order id, with its headers, in order per order, and marks it published', async () => {
    const collector = await collectTopic(broker.brokers, topic);
    try {
      const { orderId } = await server.call((c) => c.createOrder, { userId: 1, items: [{ sku: 1, count: 2 }], idempotencyKey: '' });
      await server.call((c) => c.orderPayed, { orderId });
      await collector.waitFor('two events', (ms) => ms.filter((m) => m.key === String(orderId)).length >= 2);
      const mine = collector.messages.filter((m) => m.key === String(orderId));
      expect(mine.map((m) => m.headers['event-type'])).toEqual(['order.status_changed', 'order.status_changed']);
      expect(mine.map((m) => parse(m).version)).toEqual([1, 2]);
      for (const message of mine) {
        const event = parse(message);
        // traceparent is there only when the change was traced; these tests run without a tracing SDK.
        expect(message.headers).toMatchObject({
          'event-type': 'order.status_changed',
          ce_specversion: '1.0',
          ce_id: event.eventId,
          ce_source: 'loms',
          ce_type: 'shop.order.status_changed.v1',
          ce_subject: String(orderId),
          ce_time: event.occurredAt,
          'content-type': 'application/json',
        });
        expect(new Date(message.headers.ce_time!).toISOString()).toBe(message.headers.ce_time);
      }
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(parse(mine[0]!)).toMatchObject({
        orderId,
        userId: 1,
        status: 'ORDER_STATUS_AWAITING_PAYMENT',
        previousStatus: 'ORDER_STATUS_NEW',
        items: [{ sku: 1, count: 2 }],
      });
      expect(parse(mine[1]!)).toMatchObject({ orderId, status: 'ORDER_STATUS_PAYED', previousStatus: 'ORDER_STATUS_AWAITING_PAYMENT' });
      expect(parse(mine[0]!).eventId).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(unpublished).toBe(0);
    } finally {
      await collector.stop();
    }
  });

  it('delivers every event made while the broker is down once it is back, and drains the outbox', async () => {
    const collector = await collectTopic(broker.brokers, topic);
    try {
      await broker.setDown();
      const ids: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        const { orderId } = await server.call((c) => c.createOrder, { userId: 2, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
        await server.call((c) => c.orderPayed, { orderId });
        ids.push(orderId);
      }
      expect(await unpublished()).toBeGreaterThan(0);
      await broker.setUp();
      await expect.poll(unpublished, { timeout: 60_000, interval: 100 }).toBe(0);
      const { rows } = await server.pool.query<{ event_id: string }>('SELECT event_id FROM outbox WHERE order_id = ANY ($1)', [ids]);
      expect(rows).toHaveLength(200);
      const wanted = new Set(rows.map((r) => r.event_id));
      await collector.waitFor('all 200 events', (ms) => [...wanted].every((id) => ms.some((m) => parse(m).eventId === id)), 60_000);
      expectInOrderPerOrder(collector.messages, ids);
      await expect.poll(unpublished, { timeout: 10_000 }).toBe(0);
    } finally {
      await collector.stop();
    }
  }, 90_000);

  it('keeps one relay active across replicas and lets a standby take over when the active one stops', async () => {
    const logger = createLogger('test', 'silent');
    const options = {
      topics: { orderStatus: topic, stockLevels: 'loms.stock-levels' },
      batchSize: 100,
      pollIntervalMs: 20,
      minPollGapMs: 0,
      sendTimeoutMs: 2_000,
    };
    const pools = [new Pool({ connectionString: server.databaseUrl, max: 3 }), new Pool({ connectionString: server.databaseUrl, max: 3 })];
    const published = [0, 0];
    // The server's own relay holds the lock: stop it so that these two compete.
    await server.handle.stop();
    server = await startLomsTestServer({ OUTBOX_RELAY_ENABLED: 'false' }, server.databaseUrl);
    const relays = pools.map((pool, i) =>
      startOutboxRelay(
        pool,
        createKafka({ clientId: `relay-${i}`, brokers: broker.brokers, logger }).producer({ allowAutoTopicCreation: true }),
        logger,
        {
          ...options,
          onPublished: (n) => (published[i] = (published[i] ?? 0) + n),
        },
      ),
    );
    try {
      for (let i = 0; i < 20; i += 1)
        await server.call((c) => c.createOrder, { userId: 3, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
      await expect.poll(unpublished, { timeout: 10_000 }).toBe(0);
      expect(published.filter((n) => n > 0)).toHaveLength(1);
      const active = published[0]! > 0 ? 0 : 1;
      await relays[active]!.stop();
      for (let i = 0; i < 20; i += 1)
        await server.call((c) => c.createOrder, { userId: 3, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
      await expect.poll(unpublished, { timeout: 10_000 }).toBe(0);
      expect(published[1 - active]).toBe(20);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await Promise.all(pools.map((p) => p.end()));
    }
  }, 60_000);

  it('publishes a backlog of many batches, each event once and in order per order', async () => {
    // The server's relay is off since the test above.
    const ids: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const { orderId } = await server.call((c) => c.createOrder, { userId: 5, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
      await server.call((c) => c.orderPayed, { orderId });
      ids.push(orderId);
    }
    expect(await unpublished()).toBe(120);
    const logger = createLogger('test', 'silent');
    const pool = new Pool({ connectionString: server.databaseUrl, max: 4 });
    const collector = await collectTopic(broker.brokers, topic);
    let published = 0;
    const relay = startOutboxRelay(
      pool,
      createKafka({ clientId: 'relay-backlog', brokers: broker.brokers, logger }).producer({ allowAutoTopicCreation: true }),
      logger,
      {
        topics: { orderStatus: topic, stockLevels: 'loms.stock-levels' },
        batchSize: 10,
        pollIntervalMs: 20,
        minPollGapMs: 0,
        sendTimeoutMs: 2_000,
        onPublished: (n) => (published += n),
      },
    );
    try {
      await expect.poll(unpublished, { timeout: 20_000 }).toBe(0);
      const keys = new Set(ids.map(String));
      await collector.waitFor('the backlog', (ms) => ms.filter((m) => keys.has(m.key)).length >= 120, 20_000);
      expect(published).toBe(120);
      expect(collector.messages.filter((m) => keys.has(m.key))).toHaveLength(120);
      expectInOrderPerOrder(collector.messages, ids);
    } finally {
      await relay.stop();
      await collector.stop();
      await pool.end();
    }
  }, 60_000);
});

describe('outbox relay, woken by the commits of its LOMS', () => {
  it('publishes a change at once instead of after the poll interval', async () => {
    await server.stop();
    server = await startLomsTestServer(
      {
        OUTBOX_RELAY_ENABLED: 'true',
        KAFKA_BROKERS: broker.brokers.join(','),
        OUTBOX_POLL_INTERVAL: '1h',
        OUTBOX_MIN_POLL_GAP: '0ms',
        OUTBOX_SEND_TIMEOUT: '2s',
      },
      server.databaseUrl,
    );
    await expect.poll(unpublished, { timeout: 10_000 }).toBe(0);
    const collector = await collectTopic(broker.brokers, topic);
    try {
      const paid = await server.call((c) => c.createOrder, { userId: 4, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
      await server.call((c) => c.orderPayed, { orderId: paid.orderId });
      const cancelled = await server.call((c) => c.createOrder, { userId: 4, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
      await server.call((c) => c.cancelOrder, { orderId: cancelled.orderId });
      const keys = [String(paid.orderId), String(cancelled.orderId)];
      await collector.waitFor("both orders' two events", (ms) => ms.filter((m) => keys.includes(m.key)).length >= 4, 10_000);
      await expect.poll(unpublished, { timeout: 10_000 }).toBe(0);
    } finally {
      await collector.stop();
    }
  }, 30_000);
});
