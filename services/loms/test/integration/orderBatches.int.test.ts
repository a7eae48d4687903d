// One batch of create_orders holding an order that takes a key, the same key again, an order that fails and
// one that succeeds after it: each gets its own outcome, and the batch writes what the orders one by one would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'pg';
import { freshDatabase } from '@shop/testkit';
import type { NewOrder } from '../../src/app/ports';
import { orderBatchWriter } from '../../src/storage/orderBatches';
import { setStock, stockRows } from './lomsTestServer';

let pool: Pool;

beforeAll(async () => {
  pool = new Pool({ connectionString: await freshDatabase('loms'), max: 2 });
});
afterAll(() => pool.end());

const order = (userId: number, key: string | undefined, items: { sku: number; count: number }[], n: number): NewOrder => ({
  userId,
  items,
  idempotencyKey: key,
  paymentTimeoutMs: 60_000,
  event: { eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, traceparent: undefined },
});

describe('create_orders, one batch', () => {
  it('gives a repeated key, a failed order and the successful ones each their own outcome', async () => {
    await setStock(pool, [
      { sku: 900, warehouseId: 1, total: 3 },
      { sku: 900, warehouseId: 2, total: 2 },
      { sku: 901, warehouseId: 1, total: 1 },
    ]);
    const write = orderBatchWriter(pool, 'priority');
    const outcomes = await write([
      order(5, 'same-key', [{ sku: 900, count: 2 }], 1),
      order(5, 'same-key', [{ sku: 900, count: 2 }], 2),
      order(
        6,
        undefined,
        [
          { sku: 900, count: 2 },
          { sku: 901, count: 2 },
        ],
        3,
      ),
      order(
        7,
        undefined,
        [
          { sku: 900, count: 3 },
          { sku: 901, count: 1 },
        ],
        4,
      ),
    ]);

    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'keyTaken', 'failed', 'created']);
    const [first, , failed, last] = outcomes;
    expect(failed).toMatchObject({ shortages: [{ sku: 901, requested: 2, available: 1 }] });
    const ids = [first, failed, last].map((o) => (o as { orderId: number }).orderId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // The failed order took nothing: the last one had all it wanted, over both warehouses in priority order.
    expect(await stockRows(pool, 900)).toEqual([
      { warehouseId: 1, total: 3, reserved: 3 },
      { warehouseId: 2, total: 2, reserved: 2 },
    ]);
    expect(await stockRows(pool, 901)).toEqual([{ warehouseId: 1, total: 1, reserved: 1 }]);
    const { rows: held } = await pool.query<{ order_id: string; sku: string; warehouse_id: string; count: string }>(
      'SELECT order_id, sku, warehouse_id, count FROM reservations ORDER BY order_id, sku, warehouse_id',
    );
    expect(held.map((r) => [Number(r.order_id), Number(r.sku), Number(r.warehouse_id), Number(r.count)])).toEqual([
      [ids[0], 900, 1, 2],
      [ids[2], 900, 1, 1],
      [ids[2], 900, 2, 2],
      [ids[2], 901, 1, 1],
    ]);

    // One event per order, in batch order, then the SKUs the last order emptied, naming the first row it changed.
    const { rows: events } = await pool.query<{
      event_type: string;
      order_id: string | null;
      status: string | null;
      payload: { sku: number; warehouse_id: number } | null;
    }>('SELECT event_type, order_id, status, payload FROM outbox ORDER BY id');
    expect(
      events.map((e) => [e.event_type, e.order_id && Number(e.order_id), e.status, e.payload && [e.payload.sku, e.payload.warehouse_id]]),
    ).toEqual([
      ['order.status_changed', ids[0], 'AWAITING_PAYMENT', null],
      ['order.status_changed', ids[1], 'FAILED', null],
      ['order.status_changed', ids[2], 'AWAITING_PAYMENT', null],
      ['stock.level_changed', null, null, [900, 1]],
      ['stock.level_changed', null, null, [901, 1]],
    ]);
  });

  it('fails the batch, and writes nothing, when a key was taken by a transaction that committed after its check', async () => {
    await setStock(pool, [{ sku: 910, warehouseId: 1, total: 10 }]);
    const write = orderBatchWriter(pool, 'priority');
    const racer = await pool.connect();
    try {
      await racer.query('BEGIN');
      await racer.query(
        `INSERT INTO orders (user_id, status, items, idempotency_key, created_at, updated_at, payment_deadline)
         VALUES (8, 'FAILED', '[]', 'raced', now(), now(), now())`,
      );
      const batch = write([order(8, 'raced', [{ sku: 910, count: 1 }], 5), order(9, undefined, [{ sku: 910, count: 1 }], 6)]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await racer.query('COMMIT');
      // The retry sees the key taken: the first order replays, the second is created.
      expect((await batch).map((o) => o.kind)).toEqual(['keyTaken', 'created']);
    } finally {
      racer.release();
    }
    expect((await stockRows(pool, 910))[0]?.reserved).toBe(1);
  });
});
