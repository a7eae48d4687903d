// docs/api.md, "Clocks": created_at, payment_deadline and every deadline decision use the database's
// clock, so a LOMS replica whose own clock is an hour off still agrees with the others.
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, createLogger, readStatusDetails, type Database } from '@shop/platform';
import { loms } from '@shop/proto';
import { cancelExpiredOrders } from '../../src/app/cancelExpiredOrders';
import { paymentDeadline } from '../../src/domain/order';
import { lomsDeps } from '../../src/lomsDeps';
import { setStock, startLomsTestServer, type LomsTestServer } from './lomsTestServer';

const hourMs = 3_600_000;
const timeoutMs = 600_000;
let server: LomsTestServer;
/** A second replica over the same database whose orders are due after one second. */
let quick: LomsTestServer;
let db: Database;

beforeAll(async () => {
  server = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '10m' });
  quick = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '1s' }, server.databaseUrl);
  await setStock(server.pool, [{ sku: 31, warehouseId: 1, total: 1_000 }]);
  db = createDatabase({
    connectionString: server.databaseUrl,
    maxConnections: 2,
    statementTimeoutMs: 5_000,
    logger: createLogger('test', 'silent'),
    applicationName: 'canceller',
  });
});
afterEach(() => vi.useRealTimers());
afterAll(async () => {
  await db.close();
  await quick.stop();
  await server.stop();
});

/** Only this process's Date moves; the database keeps its own clock. */
function skewProcessClock(offsetMs: number): void {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + offsetMs);
}

async function databaseNow(): Promise<number> {
  const { rows } = await server.pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0]!.now.getTime();
}

const create = (via: LomsTestServer) =>
  via.call((c) => c.createOrder, { userId: 5, items: [{ sku: 31, count: 1 }], idempotencyKey: '' }).then((r) => r.orderId);
const statusOf = async (orderId: number) => (await server.call((c) => c.getOrder, { orderId })).order?.status;
const pay = (orderId: number) =>
  server
    .call((c) => c.orderPayed, { orderId })
    .then(
      () => 'paid',
      (err: grpc.ServiceError) => (readStatusDetails(err)[0]?.value as { reason?: string } | undefined)?.reason ?? String(err.code),
    );

describe('a LOMS whose own clock is an hour off', () => {
  it('dates an order and its payment deadline by the database clock', async () => {
    for (const offset of [hourMs, -hourMs]) {
      skewProcessClock(offset);
      const before = await databaseNow();
      const orderId = await create(server);
      const after = await databaseNow();
      const order = (await server.call((c) => c.getOrder, { orderId })).order!;
      expect(order.createdAt!.getTime(), `offset ${offset}`).toBeGreaterThanOrEqual(before - 1);
      expect(order.createdAt!.getTime(), `offset ${offset}`).toBeLessThanOrEqual(after + 1);
      expect(order.paymentDeadline).toEqual(paymentDeadline(order.createdAt!, timeoutMs));
      vi.useRealTimers();
    }
  });

  it('accepts a payment before the deadline although its clock is an hour fast', async () => {
    const orderId = await create(server);
    skewProcessClock(hourMs);
    expect(await pay(orderId)).toBe('paid');
    expect(await statusOf(orderId)).toBe(loms.OrderStatus.ORDER_STATUS_PAYED);
  });

  it('refuses a payment after the deadline although its clock is an hour slow, and cancels the order', async () => {
    const orderId = await create(quick);
    await new Promise((r) => setTimeout(r, 1_500));
    skewProcessClock(-hourMs);
    expect(await pay(orderId)).toBe('PAYMENT_DEADLINE_PASSED');
    expect(await statusOf(orderId)).toBe(loms.OrderStatus.ORDER_STATUS_CANCELLED);
  });

  it('lets the canceller cancel by the database clock: not early when fast, not late when slow', async () => {
    const fresh = await create(server);
    const due = await create(quick);
    await new Promise((r) => setTimeout(r, 1_500));
    const deps = lomsDeps(db, { paymentTimeoutMs: timeoutMs, allocationStrategy: 'priority' });
    const options = { batchSize: 100, stuckNewAfterMs: 60_000 };

    skewProcessClock(hourMs);
    await cancelExpiredOrders(deps, options);
    expect(await statusOf(fresh)).toBe(loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
    vi.useRealTimers();

    skewProcessClock(-hourMs);
    await cancelExpiredOrders(deps, options);
    expect(await statusOf(due)).toBe(loms.OrderStatus.ORDER_STATUS_CANCELLED);
    expect(await statusOf(fresh)).toBe(loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
  });
});
