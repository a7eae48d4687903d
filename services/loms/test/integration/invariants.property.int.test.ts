// Random sequences of create/pay/cancel/expire through the real use cases and PostgreSQL keep
// invariants 1 (no oversell) and 2 (conservation, write-off exactly once) of architecture.md.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createLogger, type Database } from '@shop/platform';
import { freshDatabase } from '@shop/testkit';
import { cancelExpiredOrders } from '../../src/app/cancelExpiredOrders';
import { cancelOrder } from '../../src/app/cancelOrder';
import { createOrder } from '../../src/app/createOrder';
import { payOrder } from '../../src/app/payOrder';
import type { LomsDeps } from '../../src/app/ports';
import { lomsDeps } from '../../src/lomsDeps';
import { insertStockAsReceipts } from '../../src/seed/seedStock';
import { consistencyStatement } from '../../src/storage/consistencyStatement';
import { InsufficientStockError, OrderStatusConflictError, PaymentDeadlinePassedError } from '../../src/domain/errors';

const skus = [1, 2, 3];
const initialStock = [
  { sku: 1, warehouseId: 1, total: 5 },
  { sku: 1, warehouseId: 2, total: 3 },
  { sku: 2, warehouseId: 1, total: 4 },
  { sku: 3, warehouseId: 2, total: 2 },
];
const paymentTimeoutMs = 60_000;

let db: Database;
let deps: LomsDeps;

beforeAll(async () => {
  db = createDatabase({
    connectionString: await freshDatabase('loms'),
    maxConnections: 4,
    statementTimeoutMs: 5_000,
    logger: createLogger('test', 'silent'),
    applicationName: 'property',
  });
  deps = lomsDeps(db, { paymentTimeoutMs, allocationStrategy: 'priority' });
});
afterAll(() => db.close());

async function resetStock(): Promise<void> {
  await db.pool.query('TRUNCATE stock_movements, outbox, orders, stocks, warehouses');
  await insertStockAsReceipts(
    db.pool,
    [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ],
    initialStock.map((s) => ({ sku: s.sku, warehouse_id: s.warehouseId, total: s.total })),
    'test stock',
  );
}

/** LOMS reads time from the database's clock: time passing is every stored time moving back as much. */
async function advanceTime(ms: number): Promise<void> {
  await db.pool.query(
    `UPDATE orders SET created_at = created_at - $1 * interval '1 millisecond', updated_at = updated_at - $1 * interval '1 millisecond',
                       payment_deadline = payment_deadline - $1 * interval '1 millisecond'`,
    [ms],
  );
}

type Command =
  | { kind: 'create'; items: { sku: number; count: number }[] }
  | { kind: 'pay' | 'cancel'; pick: number }
  | { kind: 'expire'; advanceMs: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    items: fc.array(fc.record({ sku: fc.constantFrom(...skus), count: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constantFrom('pay' as const, 'cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const), advanceMs: fc.constantFrom(1_000, 30_000, 61_000) }),
);

async function run(cmd: Command, orderIds: number[]): Promise<void> {
  const target = orderIds[('pick' in cmd ? cmd.pick : 0) % Math.max(1, orderIds.length)];
  try {
    if (cmd.kind === 'create') orderIds.push((await createOrder(deps, { userId: 1, items: cmd.items, idempotencyKey: '' })).orderId);
    if (cmd.kind === 'pay' && target) await payOrder(deps, target);
    if (cmd.kind === 'cancel' && target) await cancelOrder(deps, target);
    if (cmd.kind === 'expire') {
      await advanceTime(cmd.advanceMs);
      await cancelExpiredOrders(deps, { batchSize: 100, stuckNewAfterMs: 60_000 });
    }
  } catch (err) {
    const expected = [InsufficientStockError, OrderStatusConflictError, PaymentDeadlinePassedError].some((type) => err instanceof type);
    if (!expected) throw err;
  }
}

async function checkInvariants(): Promise<void> {
  const { rows } = await db.pool.query<{ sku: string; warehouse_id: string; total: string; reserved: string; held: string }>(
    `SELECT s.sku, s.warehouse_id, s.total, s.reserved,
            COALESCE((SELECT SUM(r.count) FROM reservations r JOIN orders o ON o.id = r.order_id
                      WHERE o.status = 'AWAITING_PAYMENT' AND r.sku = s.sku AND r.warehouse_id = s.warehouse_id), 0) AS held
     FROM stocks s`,
  );
  for (const row of rows) {
    expect(Number(row.reserved)).toBeGreaterThanOrEqual(0);
    expect(Number(row.reserved)).toBeLessThanOrEqual(Number(row.total));
    expect(Number(row.reserved)).toBe(Number(row.held));
  }
  // What orders hold and what the ledger says agree, row by row: no order left AWAITING_PAYMENT unsettled.
  const { rows: ledger } = await db.pool.query<{ drifts_total: string; drifts: unknown[] }>(consistencyStatement, [null, 5]);
  expect(ledger[0]?.drifts, 'rows off their ledger').toEqual([]);
  const { rows: perSku } = await db.pool.query<{ sku: string; total: string; paid: string }>(
    `SELECT s.sku, SUM(s.total) AS total,
            COALESCE((SELECT SUM((i->>'count')::int) FROM orders o, jsonb_array_elements(o.items) i
                      WHERE o.status = 'PAYED' AND (i->>'sku')::int = s.sku), 0) AS paid
     FROM stocks s GROUP BY s.sku`,
  );
  for (const row of perSku) {
    const initial = initialStock.filter((s) => s.sku === Number(row.sku)).reduce((sum, s) => sum + s.total, 0);
    expect(Number(row.total) + Number(row.paid)).toBe(initial);
  }
}

describe('order life cycle invariants', () => {
  it('keeps 0 <= reserved <= total and conserves stock over random sequences of create, pay, cancel and expire', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        await resetStock();
        const orderIds: number[] = [];
        for (const cmd of commands) {
          await run(cmd, orderIds);
          await checkInvariants();
        }
      }),
      { numRuns: 40 },
    );
  });
});
