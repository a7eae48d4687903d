import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loms } from '@shop/proto';
import { multiOrderBatches, setStock, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

let server: LomsTestServer;

beforeAll(async () => {
  server = await startLomsTestServer({ DB_POOL_MAX: '20' });
});
afterAll(() => server.stop());

async function reservationsHeldByAwaitingOrders(sku: number): Promise<number> {
  const { rows } = await server.pool.query<{ n: string }>(
    `SELECT COALESCE(SUM(r.count), 0) AS n FROM reservations r JOIN orders o ON o.id = r.order_id
     WHERE r.sku = $1 AND o.status = 'AWAITING_PAYMENT'`,
    [sku],
  );
  return Number(rows[0]?.n);
}

describe('concurrent orders on one SKU', () => {
  it('serves exactly the available stock to 200 concurrent orders and conserves it when half pay and half cancel', async () => {
    await setStock(server.pool, [
      { sku: 500, warehouseId: 1, total: 20 },
      { sku: 500, warehouseId: 2, total: 30 },
    ]);
    const batchesBefore = await multiOrderBatches(server.handle.registry);
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        server
          .call((c) => c.createOrder, { userId: 1000 + i, items: [{ sku: 500, count: 1 }], idempotencyKey: '' })
          .then(
            (res) => ({ ok: true as const, orderId: res.orderId }),
            (err: grpc.ServiceError) => ({ ok: false as const, code: err.code }),
          ),
      ),
    );
    const created = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(150);
    // They went to the database coalesced: the batch path decided them.
    expect(await multiOrderBatches(server.handle.registry)).toBeGreaterThan(batchesBefore);
    expect(new Set(refused.map((o) => o.code))).toEqual(new Set([grpc.status.FAILED_PRECONDITION]));
    const { rows } = await server.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM orders WHERE user_id BETWEEN 1000 AND 1199 GROUP BY status',
    );
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))).toEqual({ AWAITING_PAYMENT: 50, FAILED: 150 });
    expect((await stockRows(server.pool, 500)).reduce((s, r) => s + r.reserved, 0)).toBe(50);

    const ids = created.map((o) => o.orderId);
    const changeBatchesBefore = await multiOrderBatches(server.handle.registry, 'status_change');
    const readBatchesBefore = await multiOrderBatches(server.handle.registry, 'order_read');
    // An unknown order among them is read in a batch with the others and is its own NOT_FOUND.
    const unknown = server.call((c) => c.orderPayed, { orderId: Math.max(...ids) + 1_000 }).catch((err: grpc.ServiceError) => err.code);
    await Promise.all(
      ids.map((orderId, i) =>
        i % 2 === 0 ? server.call((c) => c.orderPayed, { orderId }) : server.call((c) => c.cancelOrder, { orderId }),
      ),
    );
    expect(await unknown).toBe(grpc.status.NOT_FOUND);
    expect(await multiOrderBatches(server.handle.registry, 'status_change')).toBeGreaterThan(changeBatchesBefore);
    expect(await multiOrderBatches(server.handle.registry, 'order_read')).toBeGreaterThan(readBatchesBefore);
    const after = await stockRows(server.pool, 500);
    expect(after.reduce((s, r) => s + r.total, 0)).toBe(50 - 25);
    expect(after.reduce((s, r) => s + r.reserved, 0)).toBe(0);
    expect(await reservationsHeldByAwaitingOrders(500)).toBe(0);
  });

  it('makes one order from 20 concurrent retries of one idempotency key and reserves once', async () => {
    await setStock(server.pool, [{ sku: 600, warehouseId: 1, total: 100 }]);
    const batchesBefore = await multiOrderBatches(server.handle.registry);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call((c) => c.createOrder, { userId: 77, items: [{ sku: 600, count: 3 }], idempotencyKey: 'retry-me' }),
      ),
    );
    expect(new Set(results.map((r) => r.orderId)).size).toBe(1);
    expect(await multiOrderBatches(server.handle.registry)).toBeGreaterThan(batchesBefore);
    expect(results.every((r) => r.status === loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT)).toBe(true);
    expect((await stockRows(server.pool, 600))[0]?.reserved).toBe(3);
    const { rows } = await server.pool.query("SELECT id FROM orders WHERE user_id = 77 AND idempotency_key = 'retry-me'");
    expect(rows).toHaveLength(1);
  });

  it('never deadlocks when orders lock overlapping SKUs in different item orders', async () => {
    await setStock(server.pool, [
      { sku: 701, warehouseId: 1, total: 1000 },
      { sku: 702, warehouseId: 1, total: 1000 },
      { sku: 703, warehouseId: 2, total: 1000 },
    ]);
    const orders = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const items = [
          { sku: 701, count: 1 },
          { sku: 702, count: 1 },
          { sku: 703, count: 1 },
        ];
        if (i % 2) items.reverse();
        return server.call((c) => c.createOrder, { userId: 5000 + i, items, idempotencyKey: '' });
      }),
    );
    await Promise.all(
      orders.map((o, i) =>
        i % 3 === 0 ? server.call((c) => c.cancelOrder, { orderId: o.orderId }) : server.call((c) => c.orderPayed, { orderId: o.orderId }),
      ),
    );
    for (const sku of [701, 702, 703]) {
      const [row] = await stockRows(server.pool, sku);
      expect(row).toEqual({ warehouseId: sku === 703 ? 2 : 1, total: 1000 - 80, reserved: 0 });
    }
  });

  it('lets exactly one of a concurrent payment and cancellation of the same order win, with one event, while new orders reserve the same SKUs', async () => {
    await setStock(server.pool, [
      { sku: 801, warehouseId: 1, total: 1000 },
      { sku: 802, warehouseId: 2, total: 1000 },
    ]);
    const items = [
      { sku: 801, count: 2 },
      { sku: 802, count: 1 },
    ];
    const orders = await Promise.all(
      Array.from({ length: 40 }, (_, i) => server.call((c) => c.createOrder, { userId: 6000 + i, items, idempotencyKey: '' })),
    );
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => 'ok' as const,
        (err: grpc.ServiceError) => err.code,
      );
    const raced = await Promise.all(
      orders.map(async ({ orderId }) => {
        const [paid, cancelled] = await Promise.all([
          settle(server.call((c) => c.orderPayed, { orderId })),
          settle(server.call((c) => c.cancelOrder, { orderId })),
          server.call((c) => c.createOrder, { userId: 7000 + orderId, items, idempotencyKey: '' }),
        ]);
        return { orderId, paid, cancelled };
      }),
    );
    for (const r of raced) {
      expect([r.paid, r.cancelled].sort(), `order ${r.orderId}`).toEqual([grpc.status.FAILED_PRECONDITION, 'ok'].sort());
    }
    const paidCount = raced.filter((r) => r.paid === 'ok').length;
    const { rows: events } = await server.pool.query<{ order_id: string; n: string }>(
      `SELECT order_id, count(*) AS n FROM outbox WHERE order_id = ANY ($1::bigint[]) AND previous_status = 'AWAITING_PAYMENT' GROUP BY order_id`,
      [orders.map((o) => o.orderId)],
    );
    expect(events).toHaveLength(40);
    expect(events.every((e) => e.n === '1')).toBe(true);
    const [sku801] = await stockRows(server.pool, 801);
    const [sku802] = await stockRows(server.pool, 802);
    // 40 newer orders still hold their reservations; the raced ones wrote off only what was paid.
    expect(sku801).toEqual({ warehouseId: 1, total: 1000 - 2 * paidCount, reserved: 2 * 40 });
    expect(sku802).toEqual({ warehouseId: 2, total: 1000 - paidCount, reserved: 40 });
  });
});
