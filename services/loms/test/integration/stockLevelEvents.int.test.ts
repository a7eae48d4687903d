// Stock level events end to end: the real LOMS writes them with each stock change, its outbox relay
// publishes them to the stock topic of a real broker, and a consumer reads them as docs/events.md says.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, loms } from '@shop/proto';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { type CollectedMessage, collectTopic, type TopicCollector } from '@shop/testkit';
import { grpcCode, startLomsTestServer, type LomsTestServer } from './lomsTestServer';

type Cause = 'RECEIPT' | 'ADJUSTMENT' | 'OUT_OF_STOCK' | 'BACK_IN_STOCK';
interface Level {
  cause: Cause;
  warehouseId: number;
  total: number;
  reserved: number;
  available: number;
  skuAvailable: number;
}

/** A LOMS with its relay on, publishing to topics of its own, and a collector on each. */
interface Stack {
  server: LomsTestServer;
  stockTopic: TopicCollector;
  orderTopic: TopicCollector;
  stop(): Promise<void>;
}

let broker: KafkaBroker;

async function startStack(name: string, env: Record<string, string> = {}): Promise<Stack> {
  const run = randomUUID().slice(0, 8);
  const topics = { stock: `loms.stock-levels.${name}-${run}`, order: `loms.order-status.${name}-${run}` };
  const server = await startLomsTestServer({
    OUTBOX_RELAY_ENABLED: 'true',
    KAFKA_BROKERS: broker.brokers.join(','),
    OUTBOX_POLL_INTERVAL: '20ms',
    OUTBOX_SEND_TIMEOUT: '2s',
    STOCK_LEVELS_TOPIC: topics.stock,
    ORDER_STATUS_TOPIC: topics.order,
    ...env,
  });
  const stockTopic = await collectTopic(broker.brokers, topics.stock);
  const orderTopic = await collectTopic(broker.brokers, topics.order);
  return {
    server,
    stockTopic,
    orderTopic,
    async stop() {
      await stockTopic.stop();
      await orderTopic.stop();
      await server.stop();
    },
  };
}

beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await broker.stop();
});

async function createWarehouse(server: LomsTestServer, name: string, priority: number): Promise<number> {
  const { warehouse } = await server.callInventory((c) => c.upsertWarehouse, {
    warehouse: { warehouseId: 0, name, priority, active: true },
  });
  return warehouse!.warehouseId;
}

const setActive = (server: LomsTestServer, warehouseId: number, name: string, priority: number, active: boolean) =>
  server.callInventory((c) => c.upsertWarehouse, { warehouse: { warehouseId, name, priority, active } });

const receive = (server: LomsTestServer, warehouseId: number, items: { sku: number; count: number }[]) =>
  server.callInventory((c) => c.receiveStock, { idempotencyKey: '', warehouseId, items });

const order = async (server: LomsTestServer, sku: number, count: number): Promise<number> =>
  (await server.call((c) => c.createOrder, { userId: 1, items: [{ sku, count }], idempotencyKey: '' })).orderId;

const parse = (m: CollectedMessage) => events.StockLevelChanged.fromJSON(JSON.parse(m.value));

/** Delivery is at least once: a redelivery repeats an event id, so order is judged on first arrivals. */
function firstArrivals(messages: CollectedMessage[], sku: number): { message: CollectedMessage; event: events.StockLevelChanged }[] {
  const seen = new Set<string>();
  return messages
    .filter((m) => m.key === String(sku))
    .map((message) => ({ message, event: parse(message) }))
    .filter(({ event }) => !seen.has(event.eventId) && seen.add(event.eventId));
}

const levels = (messages: CollectedMessage[], sku: number): Level[] =>
  firstArrivals(messages, sku).map(({ event: e }) => ({
    cause: e.cause as Cause,
    warehouseId: e.warehouseId,
    total: e.total,
    reserved: e.reserved,
    available: e.available,
    skuAvailable: e.skuAvailable,
  }));

/**
 * Waits until the SKU's events end with `last` (the scenario ends with a receipt: events of one SKU arrive in
 * order, so every earlier one is there by then), then returns them all.
 */
async function levelsUpTo(collector: TopicCollector, sku: number, last: Level, timeoutMs = 30_000): Promise<Level[]> {
  await collector.waitFor(
    `the closing event of SKU ${sku}`,
    (ms) => levels(ms, sku).some((l) => JSON.stringify(l) === JSON.stringify(last)),
    timeoutMs,
  );
  return levels(collector.messages, sku);
}

/** Each message of the SKU is keyed by it, carries the headers of api.md, and all are on one partition. */
function expectStockMessages(messages: CollectedMessage[], sku: number): void {
  const mine = firstArrivals(messages, sku);
  expect(mine.length).toBeGreaterThan(0);
  for (const { message, event } of mine) {
    expect(event.sku).toBe(sku);
    expect(event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // traceparent is there only when the change was traced; these tests run without a tracing SDK.
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_source: 'loms',
      ce_type: 'shop.stock.level_changed.v1',
      ce_subject: String(sku),
      ce_time: event.occurredAt!.toISOString(),
      'content-type': 'application/json',
      'event-type': 'stock.level_changed',
    });
    expect(Object.keys(message.headers).filter((h) => h !== 'traceparent')).toHaveLength(8);
    expect(JSON.parse(message.value)).toMatchObject({ eventId: event.eventId, sku, cause: event.cause });
  }
  expect(new Set(mine.map(({ message }) => message.partition)).size).toBe(1);
}

/** The stock topic holds stock level events only, and the order topic order status events only. */
function expectTopicsApart(stack: Stack): void {
  expect(stack.stockTopic.messages.length).toBeGreaterThan(0);
  expect(stack.orderTopic.messages.length).toBeGreaterThan(0);
  for (const m of stack.stockTopic.messages) expect(m.headers['event-type']).toBe('stock.level_changed');
  for (const m of stack.orderTopic.messages) expect(m.headers['event-type']).toBe('order.status_changed');
}

/** The statuses of an order's events in order of first arrival, once `count` distinct ones are there. */
async function orderStatuses(collector: TopicCollector, orderId: number, count: number, timeoutMs = 30_000): Promise<string[]> {
  const statuses = (ms: CollectedMessage[]) => {
    const seen = new Set<string>();
    return ms
      .filter((m) => m.key === String(orderId))
      .map((m) => JSON.parse(m.value) as { eventId: string; status: string })
      .filter((e) => !seen.has(e.eventId) && seen.add(e.eventId))
      .map((e) => e.status.replace('ORDER_STATUS_', ''));
  };
  await collector.waitFor(`${count} events of order ${orderId}`, (ms) => statuses(ms).length >= count, timeoutMs);
  return statuses(collector.messages);
}

const level = (cause: Cause, warehouseId: number, total: number, reserved: number, available: number, skuAvailable: number): Level => ({
  cause,
  warehouseId,
  total,
  reserved,
  available,
  skuAvailable,
});

describe('stock level events', () => {
  let stack: Stack;
  let main: number;
  let overflow: number;
  let popUp: number;

  beforeAll(async () => {
    stack = await startStack('events');
    main = await createWarehouse(stack.server, 'Main', 0);
    overflow = await createWarehouse(stack.server, 'Overflow', 1);
    popUp = await createWarehouse(stack.server, 'Pop-up', 2);
  });
  afterAll(() => stack.stop());

  it('publishes receipts, counts and the flips of availability that orders cause, exactly and in order per SKU', async () => {
    const { server } = stack;
    const sku = 7001;
    const received = await receive(server, main, [{ sku, count: 5 }]);
    expect(received.levels).toEqual([{ sku, warehouseId: main, total: 5, reserved: 0, available: 5 }]);
    await receive(server, overflow, [{ sku, count: 2 }]);
    const adjusted = await server.callInventory((c) => c.adjustStock, {
      idempotencyKey: '',
      warehouseId: main,
      sku,
      newTotal: 3,
      expectedTotal: 5,
      reason: 'stock-take',
    });
    expect(adjusted.level).toEqual({ sku, warehouseId: main, total: 3, reserved: 0, available: 3 });
    // Priority allocation serves Main first: 3 of 5 reserved there, 2 left in Overflow.
    const paid = await order(server, sku, 3);
    await server.call((c) => c.orderPayed, { orderId: paid });
    // The last 2 units, from Overflow: the row that changed.
    const cancelled = await order(server, sku, 2);
    expect((await server.call((c) => c.stocks, { sku })).available).toBe(0);
    await server.call((c) => c.cancelOrder, { orderId: cancelled });
    const failed = await server.call((c) => c.createOrder, { userId: 1, items: [{ sku, count: 10 }], idempotencyKey: '' }).catch(grpcCode);
    // An order short of stock reserves nothing.
    expect(failed).toBe(grpc.status.FAILED_PRECONDITION);
    await receive(server, main, [{ sku, count: 1 }]);

    const closing = level('RECEIPT', main, 1, 0, 1, 3);
    expect(await levelsUpTo(stack.stockTopic, sku, closing)).toEqual([
      level('RECEIPT', main, 5, 0, 5, 5),
      level('BACK_IN_STOCK', main, 5, 0, 5, 5),
      level('RECEIPT', overflow, 2, 0, 2, 7),
      level('ADJUSTMENT', main, 3, 0, 3, 5),
      level('OUT_OF_STOCK', overflow, 2, 2, 0, 0),
      level('BACK_IN_STOCK', overflow, 2, 0, 2, 2),
      closing,
    ]);
    expectStockMessages(stack.stockTopic.messages, sku);

    expect(await orderStatuses(stack.orderTopic, paid, 2)).toEqual(['AWAITING_PAYMENT', 'PAYED']);
    expect(await orderStatuses(stack.orderTopic, cancelled, 2)).toEqual(['AWAITING_PAYMENT', 'CANCELLED']);
    expectTopicsApart(stack);
  });

  it('publishes a count that empties a SKU as its ADJUSTMENT, then OUT_OF_STOCK', async () => {
    const { server } = stack;
    const sku = 7002;
    await receive(server, main, [{ sku, count: 4 }]);
    await server.callInventory((c) => c.adjustStock, { idempotencyKey: '', warehouseId: main, sku, newTotal: 0, reason: 'damaged' });
    await receive(server, overflow, [{ sku, count: 1 }]);
    await receive(server, main, [{ sku, count: 1 }]);

    const closing = level('RECEIPT', main, 1, 0, 1, 2);
    expect(await levelsUpTo(stack.stockTopic, sku, closing)).toEqual([
      level('RECEIPT', main, 4, 0, 4, 4),
      level('BACK_IN_STOCK', main, 4, 0, 4, 4),
      level('ADJUSTMENT', main, 0, 0, 0, 0),
      level('OUT_OF_STOCK', main, 0, 0, 0, 0),
      level('RECEIPT', overflow, 1, 0, 1, 1),
      level('BACK_IN_STOCK', overflow, 1, 0, 1, 1),
      closing,
    ]);
    expectStockMessages(stack.stockTopic.messages, sku);
  });

  it("flips a SKU out of and back into stock when its only active warehouse is deactivated and reactivated, and leaves other SKUs' be", async () => {
    const { server } = stack;
    const only = 7101; // only in Pop-up
    const spread = 7102; // in Pop-up and Main
    await receive(server, popUp, [
      { sku: only, count: 4 },
      { sku: spread, count: 1 },
    ]);
    await receive(server, main, [{ sku: spread, count: 2 }]);
    await setActive(server, popUp, 'Pop-up', 2, false);
    expect((await server.call((c) => c.stocks, { sku: only })).available).toBe(0);
    // Units received where the warehouse is inactive are not available: no BACK_IN_STOCK.
    await receive(server, popUp, [{ sku: only, count: 2 }]);
    // A rename that keeps the flag changes no availability.
    await setActive(server, popUp, 'Pop-up (closed)', 2, false);
    await setActive(server, popUp, 'Pop-up', 2, true);
    await receive(server, main, [
      { sku: only, count: 1 },
      { sku: spread, count: 1 },
    ]);

    const closingOnly = level('RECEIPT', main, 1, 0, 1, 7);
    expect(await levelsUpTo(stack.stockTopic, only, closingOnly)).toEqual([
      level('RECEIPT', popUp, 4, 0, 4, 4),
      level('BACK_IN_STOCK', popUp, 4, 0, 4, 4),
      level('OUT_OF_STOCK', popUp, 4, 0, 0, 0),
      level('RECEIPT', popUp, 6, 0, 0, 0),
      level('BACK_IN_STOCK', popUp, 6, 0, 6, 6),
      closingOnly,
    ]);
    const closingSpread = level('RECEIPT', main, 3, 0, 3, 4);
    expect(await levelsUpTo(stack.stockTopic, spread, closingSpread)).toEqual([
      level('RECEIPT', popUp, 1, 0, 1, 1),
      level('BACK_IN_STOCK', popUp, 1, 0, 1, 1),
      level('RECEIPT', main, 2, 0, 2, 3),
      closingSpread,
    ]);
    expectStockMessages(stack.stockTopic.messages, only);
    expectStockMessages(stack.stockTopic.messages, spread);
  });
});

describe('stock level events of the timeout canceller', () => {
  let stack: Stack;
  let warehouse: number;

  beforeAll(async () => {
    // 3 s leaves room to place two orders before the first expires, even on a loaded machine.
    stack = await startStack('canceller', { ORDER_PAYMENT_TIMEOUT: '3s', CANCELLER_ENABLED: 'true', CANCELLER_INTERVAL: '100ms' });
    warehouse = await createWarehouse(stack.server, 'Main', 0);
  });
  afterAll(() => stack.stop());

  const awaitCancelled = async (orderIds: number[]) => {
    for (const orderId of orderIds) expect(await orderStatuses(stack.orderTopic, orderId, 2)).toEqual(['AWAITING_PAYMENT', 'CANCELLED']);
    for (const orderId of orderIds)
      expect((await stack.server.call((c) => c.getOrder, { orderId })).order?.status).toBe(loms.OrderStatus.ORDER_STATUS_CANCELLED);
  };

  it("publishes BACK_IN_STOCK when the canceller releases an expired order's last units", async () => {
    const { server } = stack;
    const sku = 7201;
    await receive(server, warehouse, [{ sku, count: 2 }]);
    const expiring = await order(server, sku, 2);
    await awaitCancelled([expiring]);
    await receive(server, warehouse, [{ sku, count: 1 }]);

    const closing = level('RECEIPT', warehouse, 3, 0, 3, 3);
    expect(await levelsUpTo(stack.stockTopic, sku, closing)).toEqual([
      level('RECEIPT', warehouse, 2, 0, 2, 2),
      level('BACK_IN_STOCK', warehouse, 2, 0, 2, 2),
      level('OUT_OF_STOCK', warehouse, 2, 2, 0, 0),
      level('BACK_IN_STOCK', warehouse, 2, 0, 2, 2),
      closing,
    ]);
    expectStockMessages(stack.stockTopic.messages, sku);
    expectTopicsApart(stack);
  });

  it('publishes one BACK_IN_STOCK when the canceller releases two expired orders of a sold-out SKU, in one batch or two', async () => {
    const { server } = stack;
    const sku = 7202;
    await receive(server, warehouse, [{ sku, count: 3 }]);
    const first = await order(server, sku, 1);
    const last = await order(server, sku, 2);
    await awaitCancelled([first, last]);
    await receive(server, warehouse, [{ sku, count: 1 }]);

    const closing = level('RECEIPT', warehouse, 4, 0, 4, 4);
    const got = await levelsUpTo(stack.stockTopic, sku, closing);
    expect(got.map((l) => l.cause)).toEqual(['RECEIPT', 'BACK_IN_STOCK', 'OUT_OF_STOCK', 'BACK_IN_STOCK', 'RECEIPT']);
    expect(got.slice(0, 3)).toEqual([
      level('RECEIPT', warehouse, 3, 0, 3, 3),
      level('BACK_IN_STOCK', warehouse, 3, 0, 3, 3),
      level('OUT_OF_STOCK', warehouse, 3, 3, 0, 0),
    ]);
    // Both orders in one batch free 3 units at once; the first alone frees 1 (the second's release then flips nothing).
    const back = got[3]!;
    expect([0, 2]).toContain(back.reserved);
    expect(back).toEqual(level('BACK_IN_STOCK', warehouse, 3, back.reserved, 3 - back.reserved, 3 - back.reserved));
    expect(got[4]).toEqual(closing);
    expectStockMessages(stack.stockTopic.messages, sku);
  });
});
