// Random sequences of receive / adjust / create / pay / cancel / expire / (de)activate over three warehouses, under
// both allocation strategies, through the real use cases and PostgreSQL. After every step: CheckStockConsistency
// finds no drift, 0 <= reserved <= total, every row equals a plain model's, and each order's allocation is the
// one domain/allocation.ts gives for the model's rows.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createLogger, type Database } from '@shop/platform';
import { freshDatabase } from '@shop/testkit';
import { adjustStock } from '../../src/app/adjustStock';
import { cancelExpiredOrders } from '../../src/app/cancelExpiredOrders';
import { cancelOrder } from '../../src/app/cancelOrder';
import { checkStockConsistency } from '../../src/app/checkStockConsistency';
import { createOrder } from '../../src/app/createOrder';
import { payOrder } from '../../src/app/payOrder';
import type { LomsDeps } from '../../src/app/ports';
import { receiveStock } from '../../src/app/receiveStock';
import { upsertWarehouse } from '../../src/app/upsertWarehouse';
import { allocate, allocationStrategies, type AllocationStrategy } from '../../src/domain/allocation';
import { IdempotencyKeyReusedError, InsufficientStockError, OrderStatusConflictError } from '../../src/domain/errors';
import { StockBelowReservedError, StockChangedError } from '../../src/domain/inventoryErrors';
import { lomsDeps } from '../../src/lomsDeps';

const warehouses = [1, 2, 3];
const skus = [1, 2, 3];
const paymentTimeoutMs = 60_000;
const numRuns = 100;
const maxSteps = 30;

let db: Database;
const depsOf = {} as Record<AllocationStrategy, LomsDeps>;

beforeAll(async () => {
  db = createDatabase({
    connectionString: await freshDatabase('loms'),
    maxConnections: 4,
    statementTimeoutMs: 5_000,
    logger: createLogger('test', 'silent'),
    applicationName: 'ledger-property',
  });
  for (const strategy of allocationStrategies) depsOf[strategy] = lomsDeps(db, { paymentTimeoutMs, allocationStrategy: strategy });
});
afterAll(() => db.close());

type Command =
  | { kind: 'receive'; warehouseId: number; sku: number; count: number; key: string }
  | { kind: 'adjust'; warehouseId: number; sku: number; newTotal: number; expected: 'current' | 'stale' | 'none' }
  | { kind: 'create'; items: { sku: number; count: number }[] }
  | { kind: 'pay' | 'cancel'; pick: number }
  | { kind: 'expire' }
  | { kind: 'activity'; warehouseId: number; active: boolean };

const warehouseId = fc.constantFrom(...warehouses);
const sku = fc.constantFrom(...skus);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('receive' as const),
    warehouseId,
    sku,
    count: fc.integer({ min: 1, max: 6 }),
    key: fc.constantFrom('', '', 'r1', 'r2'),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    warehouseId,
    sku,
    newTotal: fc.integer({ min: 0, max: 10 }),
    expected: fc.constantFrom('current' as const, 'stale' as const, 'none' as const),
  }),
  fc.record({
    kind: fc.constant('create' as const),
    items: fc.uniqueArray(fc.record({ sku, count: fc.integer({ min: 1, max: 5 }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (i) => i.sku,
    }),
  }),
  fc.record({ kind: fc.constantFrom('pay' as const, 'cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({ kind: fc.constant('activity' as const), warehouseId, active: fc.boolean() }),
);

interface ModelOrder {
  status: 'AWAITING_PAYMENT' | 'FAILED' | 'PAYED' | 'CANCELLED';
  held: { sku: number; warehouseId: number; take: number }[];
}

/** What the database must hold: stock rows, warehouses, orders, and the receipts done per key. */
class Model {
  rows = new Map<string, { total: number; reserved: number }>();
  warehouses = new Map<number, { priority: number; active: boolean }>();
  orders = new Map<number, ModelOrder>();
  receipts = new Map<string, string>();

  row(sku: number, warehouseId: number) {
    const key = `${sku}:${warehouseId}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { total: 0, reserved: 0 }));
    return row;
  }

  allocatable(sku: number) {
    return warehouses
      .filter((w) => this.rows.has(`${sku}:${w}`))
      .map((w) => {
        const row = this.row(sku, w);
        const warehouse = this.warehouses.get(w) ?? { priority: 0, active: true };
        return { warehouseId: w, priority: warehouse.priority, active: warehouse.active, available: row.total - row.reserved };
      });
  }

  settle(order: ModelOrder, writeOff: boolean) {
    for (const h of order.held) {
      const row = this.row(h.sku, h.warehouseId);
      row.reserved -= h.take;
      if (writeOff) row.total -= h.take;
    }
  }
}

/** Empty tables, the three warehouses, and a first receipt per stock row (so that SKUs often sit in several warehouses). */
async function reset(model: Model, priorities: number[], opening: number[]): Promise<void> {
  await db.pool.query('TRUNCATE outbox, orders, stocks, warehouses, stock_movements, inventory_requests');
  for (const [i, priority] of priorities.entries()) {
    await upsertWarehouse(depsOf.priority, { id: 0, name: `w${i + 1}`, priority, active: true });
    model.warehouses.set(i + 1, { priority, active: true });
  }
  for (const [i, count] of opening.entries()) {
    const [s, w] = [skus[i % skus.length] ?? 1, warehouses[Math.floor(i / skus.length)] ?? 1];
    if (count === 0) continue;
    await receiveStock(depsOf.priority, { idempotencyKey: '', warehouseId: w, items: [{ sku: s, count }] });
    model.row(s, w).total += count;
  }
}

/** LOMS reads time from the database's clock: time passing is every stored time moving back as much. */
async function passPaymentDeadlines(): Promise<void> {
  await db.pool.query(
    `UPDATE orders SET created_at = created_at - $1 * interval '1 millisecond', updated_at = updated_at - $1 * interval '1 millisecond',
                       payment_deadline = payment_deadline - $1 * interval '1 millisecond'`,
    [paymentTimeoutMs + 1_000],
  );
}

async function expectRejection(work: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  await expect(work).rejects.toBeInstanceOf(type);
}

async function step(deps: LomsDeps, strategy: AllocationStrategy, model: Model, cmd: Command, orderIds: number[]): Promise<void> {
  switch (cmd.kind) {
    case 'receive': {
      const content = `${cmd.warehouseId}:${cmd.sku}:${cmd.count}`;
      const work = receiveStock(deps, {
        idempotencyKey: cmd.key,
        warehouseId: cmd.warehouseId,
        items: [{ sku: cmd.sku, count: cmd.count }],
      });
      const seen = cmd.key === '' ? undefined : model.receipts.get(cmd.key);
      // A request under a used key creates no row; any other creates its row (empty) before the transaction.
      if (seen === undefined) model.row(cmd.sku, cmd.warehouseId);
      if (seen !== undefined && seen !== content) return expectRejection(work, IdempotencyKeyReusedError);
      await work;
      if (seen === undefined) {
        model.row(cmd.sku, cmd.warehouseId).total += cmd.count;
        if (cmd.key !== '') model.receipts.set(cmd.key, content);
      }
      return;
    }
    case 'adjust': {
      const existing = model.rows.has(`${cmd.sku}:${cmd.warehouseId}`) ? model.row(cmd.sku, cmd.warehouseId) : undefined;
      const current = existing?.total ?? 0;
      const expectedTotal = cmd.expected === 'none' ? undefined : cmd.expected === 'current' ? current : current + 1;
      const work = adjustStock(deps, {
        idempotencyKey: '',
        warehouseId: cmd.warehouseId,
        sku: cmd.sku,
        newTotal: cmd.newTotal,
        expectedTotal,
        reason: 'property count',
      });
      if (cmd.expected === 'stale') return expectRejection(work, StockChangedError);
      // A missing row counts as empty and is created (empty) for any other count, also one refused below.
      const row = existing ?? model.row(cmd.sku, cmd.warehouseId);
      if (cmd.newTotal < row.reserved) return expectRejection(work, StockBelowReservedError);
      await work;
      row.total = cmd.newTotal;
      return;
    }
    case 'create': {
      const plans = cmd.items.map((item) => ({ sku: item.sku, plan: allocate(strategy, model.allocatable(item.sku), item.count) }));
      const work = createOrder(deps, { userId: 1, items: cmd.items, idempotencyKey: '' });
      if (plans.some((p) => p.plan === undefined)) {
        const err = await work.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InsufficientStockError);
        model.orders.set((err as InsufficientStockError).orderId, { status: 'FAILED', held: [] });
        return;
      }
      const { orderId } = await work;
      const held = plans.flatMap((p) => (p.plan ?? []).map((a) => ({ sku: p.sku, warehouseId: a.warehouseId, take: a.take })));
      for (const h of held) model.row(h.sku, h.warehouseId).reserved += h.take;
      model.orders.set(orderId, { status: 'AWAITING_PAYMENT', held });
      orderIds.push(orderId);
      const { rows } = await db.pool.query<{ sku: string; warehouse_id: string; count: string }>(
        'SELECT sku, warehouse_id, count FROM reservations WHERE order_id = $1',
        [orderId],
      );
      const actual = rows.map((r) => `${r.sku}@${r.warehouse_id}x${r.count}`).sort();
      expect(actual, `allocation of order ${orderId} (${strategy})`).toEqual(held.map((h) => `${h.sku}@${h.warehouseId}x${h.take}`).sort());
      return;
    }
    case 'pay':
    case 'cancel': {
      const orderId = orderIds[cmd.pick % Math.max(1, orderIds.length)];
      if (orderId === undefined) return;
      const order = model.orders.get(orderId);
      if (!order) throw new Error(`order ${orderId} not in the model`);
      const work = cmd.kind === 'pay' ? payOrder(deps, orderId) : cancelOrder(deps, orderId);
      const done = cmd.kind === 'pay' ? 'PAYED' : 'CANCELLED';
      if (order.status === 'AWAITING_PAYMENT') {
        await work;
        model.settle(order, cmd.kind === 'pay');
        order.status = done;
      } else if (order.status === done) await work;
      else await expectRejection(work, OrderStatusConflictError);
      return;
    }
    case 'expire': {
      await passPaymentDeadlines();
      await cancelExpiredOrders(deps, { batchSize: 1000, stuckNewAfterMs: 60_000 });
      for (const order of model.orders.values())
        if (order.status === 'AWAITING_PAYMENT') {
          model.settle(order, false);
          order.status = 'CANCELLED';
        }
      return;
    }
    case 'activity': {
      const warehouse = model.warehouses.get(cmd.warehouseId);
      if (!warehouse) throw new Error(`warehouse ${cmd.warehouseId} not in the model`);
      await upsertWarehouse(deps, { id: cmd.warehouseId, name: `w${cmd.warehouseId}`, priority: warehouse.priority, active: cmd.active });
      warehouse.active = cmd.active;
    }
  }
}

async function expectDatabaseMatches(deps: LomsDeps, model: Model, afterStep: string): Promise<void> {
  const report = await checkStockConsistency(deps, []);
  expect(report.drifts, `drift after ${afterStep}`).toEqual([]);
  const { rows } = await db.pool.query<{ sku: string; warehouse_id: string; total: string; reserved: string; active: boolean }>(
    'SELECT sku, warehouse_id, total, reserved, warehouse_active AS active FROM stocks ORDER BY sku, warehouse_id',
  );
  for (const row of rows) {
    const total = Number(row.total);
    const reserved = Number(row.reserved);
    expect(reserved).toBeGreaterThanOrEqual(0);
    expect(reserved).toBeLessThanOrEqual(total);
    expect(row.active, `stock ${row.sku}/${row.warehouse_id} active`).toBe(model.warehouses.get(Number(row.warehouse_id))?.active);
  }
  const actual = Object.fromEntries(
    rows.map((r) => [`${r.sku}:${r.warehouse_id}`, { total: Number(r.total), reserved: Number(r.reserved) }]),
  );
  expect(actual, `stock after ${afterStep}`).toEqual(Object.fromEntries(model.rows));
  for (const s of skus) {
    const stocks = await deps.stocks.getBySku(s);
    const available = model
      .allocatable(s)
      .filter((r) => r.active)
      .reduce((sum, r) => sum + r.available, 0);
    expect(
      stocks.reduce((sum, w) => sum + w.available, 0),
      `available of sku ${s}`,
    ).toBe(available);
  }
}

describe('inventory ledger', () => {
  it('explains every stock row by its movements and allocates as the model says, over random sequences under both strategies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...allocationStrategies),
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        fc.array(fc.integer({ min: 0, max: 6 }), {
          minLength: skus.length * warehouses.length,
          maxLength: skus.length * warehouses.length,
        }),
        fc.array(command, { minLength: 1, maxLength: maxSteps }),
        async (strategy, priorities, opening, commands) => {
          const model = new Model();
          await reset(model, priorities, opening);
          const deps = depsOf[strategy];
          const orderIds: number[] = [];
          for (const [i, cmd] of commands.entries()) {
            await step(deps, strategy, model, cmd, orderIds);
            await expectDatabaseMatches(deps, model, `step ${i} ${JSON.stringify(cmd)}`);
          }
        },
      ),
      { numRuns },
    );
  });
});
