import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createLogger } from '@shop/platform';
import { loms } from '@shop/proto';
import { lomsDeps } from '../../src/lomsDeps';
import { startOrderCanceller } from '../../src/workers/startOrderCanceller';
import { setStock, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

let server: LomsTestServer;

beforeAll(async () => {
  server = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '1s', CANCELLER_ENABLED: 'true', CANCELLER_INTERVAL: '100ms' });
});
afterAll(() => server.stop());

const waitFor = async (what: string, ok: () => Promise<boolean>, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('timeout canceller', () => {
  it('cancels orders unpaid after the deadline and frees their stock, with one CANCELLED event each', async () => {
    await setStock(server.pool, [{ sku: 900, warehouseId: 1, total: 10 }]);
    const ids = await Promise.all(
      [1, 2, 3].map(
        async (userId) =>
          (await server.call((c) => c.createOrder, { userId, items: [{ sku: 900, count: 2 }], idempotencyKey: '' })).orderId,
      ),
    );
    expect((await stockRows(server.pool, 900))[0]?.reserved).toBe(6);
    await waitFor('cancellation', async () => {
      const statuses = await Promise.all(ids.map(async (orderId) => (await server.call((c) => c.getOrder, { orderId })).order?.status));
      return statuses.every((s) => s === loms.OrderStatus.ORDER_STATUS_CANCELLED);
    });
    expect((await stockRows(server.pool, 900))[0]).toEqual({ warehouseId: 1, total: 10, reserved: 0 });
    const { rows } = await server.pool.query<{ order_id: string; n: string }>(
      "SELECT order_id, count(*) AS n FROM outbox WHERE status = 'CANCELLED' AND order_id = ANY ($1) GROUP BY order_id",
      [ids],
    );
    expect(rows.map((r) => Number(r.n))).toEqual([1, 1, 1]);
    const { rows: versions } = await server.pool.query<{ v: number[] }>(
      'SELECT array_agg(version ORDER BY id) AS v FROM outbox WHERE order_id = ANY ($1) GROUP BY order_id',
      [ids],
    );
    expect(versions.map((r) => r.v)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('gives exactly one winner when a payment races the canceller', async () => {
    await setStock(server.pool, [{ sku: 901, warehouseId: 1, total: 100 }]);
    const ids = await Promise.all(
      Array.from(
        { length: 20 },
        async (_, i) =>
          (await server.call((c) => c.createOrder, { userId: 100 + i, items: [{ sku: 901, count: 1 }], idempotencyKey: '' })).orderId,
      ),
    );
    await new Promise((r) => setTimeout(r, 950));
    const payments = await Promise.all(
      ids.map((orderId) =>
        server
          .call((c) => c.orderPayed, { orderId })
          .then(
            () => 'paid',
            (e: grpc.ServiceError) => (e.code === grpc.status.FAILED_PRECONDITION ? 'refused' : String(e.code)),
          ),
      ),
    );
    await waitFor('every order settled', async () => {
      const { rows } = await server.pool.query("SELECT 1 FROM orders WHERE id = ANY ($1) AND status = 'AWAITING_PAYMENT'", [ids]);
      return rows.length === 0;
    });
    const { rows } = await server.pool.query<{ id: string; status: string; events: string }>(
      `SELECT o.id, o.status, (SELECT string_agg(status, ',' ORDER BY id) FROM outbox WHERE order_id = o.id AND previous_status <> 'NEW') AS events
       FROM orders o WHERE o.id = ANY ($1) ORDER BY o.id`,
      [ids],
    );
    // Concurrent creations need not get ascending ids in call order: match payments to rows by id.
    const paymentOf = new Map(ids.map((id, i) => [String(id), payments[i]]));
    for (const row of rows) {
      expect(row.events).toBe(row.status);
      expect(paymentOf.get(row.id), `order ${row.id}`).toBe(row.status === 'PAYED' ? 'paid' : 'refused');
    }
    const paid = rows.filter((r) => r.status === 'PAYED').length;
    expect((await stockRows(server.pool, 901))[0]).toEqual({ warehouseId: 1, total: 100 - paid, reserved: 0 });
  });

  it('cancels each of 1,000 expired orders exactly once when three cancellers of two batches at a time share the database', async () => {
    await setStock(server.pool, [{ sku: 902, warehouseId: 2, total: 5_000 }]);
    const userIds = Array.from({ length: 1000 }, (_, i) => 10_000 + i);
    // Expired orders made directly in the database: the subject here is the canceller.
    const { rows: created } = await server.pool.query<{ id: string }>(
      `WITH o AS (
         INSERT INTO orders (user_id, status, items, created_at, updated_at, payment_deadline)
         SELECT u, 'AWAITING_PAYMENT', '[{"sku": 902, "count": 2}]', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 minute'
         FROM unnest($1::bigint[]) AS u RETURNING id
       ), r AS (INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id) SELECT 902, 2, 'RESERVATION', 0, 2, id FROM o)
       SELECT id FROM o`,
      [userIds],
    );
    await server.pool.query('UPDATE stocks SET reserved = 2000 WHERE sku = 902');
    const ids = created.map((r) => Number(r.id));
    const logger = createLogger('test', 'silent');
    const databases = [1, 2, 3].map(() =>
      createDatabase({
        connectionString: server.databaseUrl,
        maxConnections: 2,
        statementTimeoutMs: 10_000,
        logger,
        applicationName: 'canceller',
      }),
    );
    const errors: unknown[] = [];
    const cancellers = databases.map((db) =>
      startOrderCanceller(lomsDeps(db, { paymentTimeoutMs: 1_000, allocationStrategy: 'priority' }), logger, {
        intervalMs: 20,
        batchSize: 50,
        concurrency: 2,
        stuckNewAfterMs: 60_000,
        onError: (e) => errors.push(e),
      }),
    );
    try {
      await waitFor(
        'all cancelled',
        async () => {
          const { rows } = await server.pool.query("SELECT 1 FROM orders WHERE id = ANY ($1) AND status <> 'CANCELLED' LIMIT 1", [ids]);
          return rows.length === 0;
        },
        30_000,
      );
    } finally {
      await Promise.all(cancellers.map((c) => c.stop()));
      await Promise.all(databases.map((db) => db.close()));
    }
    expect(errors).toEqual([]);
    const { rows } = await server.pool.query<{ n: string; orders: string }>(
      "SELECT count(*) AS n, count(DISTINCT order_id) AS orders FROM outbox WHERE status = 'CANCELLED' AND order_id = ANY ($1)",
      [ids],
    );
    expect(rows[0]).toEqual({ n: '1000', orders: '1000' });
    expect((await stockRows(server.pool, 902))[0]).toEqual({ warehouseId: 2, total: 5_000, reserved: 0 });
  });
});
