// Random sets of concurrent CreateOrder calls, coalesced into batches by LOMS' own wiring, under both allocation
// strategies, on random warehouses (priorities, an inactive one) and stock. Whatever the batches were, each order's
// outcome and the final stock must be those of running the orders one by one in the order the database
// serialised them (their ids), through the plain model of domain/allocation.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createDatabase, createLogger, type Database, type Queryable } from '@shop/platform';
import { freshDatabase } from '@shop/testkit';
import { createOrder } from '../../src/app/createOrder';
import type { LomsDeps } from '../../src/app/ports';
import { receiveStock } from '../../src/app/receiveStock';
import { upsertWarehouse } from '../../src/app/upsertWarehouse';
import { allocate, allocationStrategies, type AllocationStrategy } from '../../src/domain/allocation';
import { IdempotencyKeyReusedError, InsufficientStockError } from '../../src/domain/errors';
import { lomsDeps } from '../../src/lomsDeps';
import { createLomsMetrics } from '../../src/observability/metrics';
import { multiOrderBatches } from './lomsTestServer';

const warehouses = [1, 2, 3];
const skus = [1, 2, 3, 4];
let db: Database;
let registry: Registry;
const depsOf = {} as Record<AllocationStrategy, LomsDeps>;

beforeAll(async () => {
  db = createDatabase({
    connectionString: await freshDatabase('loms'),
    maxConnections: 6,
    statementTimeoutMs: 5_000,
    logger: createLogger('test', 'silent'),
    applicationName: 'batch-property',
  });
  registry = new Registry();
  const metrics = createLomsMetrics(registry, db.pool as unknown as Queryable);
  for (const strategy of allocationStrategies)
    depsOf[strategy] = lomsDeps(
      db,
      { paymentTimeoutMs: 60_000, allocationStrategy: strategy, orderBatches: { maxSize: 8, inFlight: 2, maxWaiting: 1000 } },
      metrics,
    );
});
afterAll(() => db.close());

interface Call {
  userId: number;
  key: string;
  items: { sku: number; count: number }[];
}

type Outcome = { orderId: number; result: 'created' } | { orderId: number; result: 'failed'; shortSkus: number[] } | { result: 'reused' };

const call: fc.Arbitrary<Call> = fc.record({
  userId: fc.constantFrom(1, 2),
  key: fc.constantFrom('', '', '', 'k1', 'k2'),
  items: fc.uniqueArray(fc.record({ sku: fc.constantFrom(...skus), count: fc.integer({ min: 1, max: 4 }) }), {
    minLength: 1,
    maxLength: 3,
    selector: (i) => i.sku,
  }),
});

async function outcomeOf(work: Promise<{ orderId: number }>): Promise<Outcome> {
  try {
    return { orderId: (await work).orderId, result: 'created' };
  } catch (err) {
    if (err instanceof InsufficientStockError)
      return { orderId: err.orderId, result: 'failed', shortSkus: err.shortages.map((s) => s.sku) };
    if (err instanceof IdempotencyKeyReusedError) return { result: 'reused' };
    throw err;
  }
}

describe('coalesced CreateOrder', () => {
  it('gives each order, and the stock, what running the orders one by one in the database order gives', async () => {
    let batchedRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...allocationStrategies),
        fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        fc.constantFrom(0, 1, 2, 3),
        fc.array(fc.integer({ min: 0, max: 6 }), {
          minLength: skus.length * warehouses.length,
          maxLength: skus.length * warehouses.length,
        }),
        fc.array(call, { minLength: 1, maxLength: 30 }),
        async (strategy, priorities, inactive, opening, calls) => {
          const deps = depsOf[strategy];
          await db.pool.query('TRUNCATE outbox, orders, stocks, warehouses, stock_movements, inventory_requests RESTART IDENTITY');
          for (const [i, priority] of priorities.entries())
            await upsertWarehouse(deps, { id: 0, name: `w${i + 1}`, priority, active: true });
          const model = new Map<string, { warehouseId: number; priority: number; active: boolean; available: number }>();
          for (const [i, count] of opening.entries()) {
            const s = skus[i % skus.length] ?? 1;
            const w = warehouses[Math.floor(i / skus.length)] ?? 1;
            if (count > 0) await receiveStock(deps, { idempotencyKey: '', warehouseId: w, items: [{ sku: s, count }] });
            model.set(`${s}:${w}`, { warehouseId: w, priority: priorities[w - 1] ?? 0, active: w !== inactive, available: count });
          }
          if (inactive > 0)
            await upsertWarehouse(deps, { id: inactive, name: `w${inactive}`, priority: priorities[inactive - 1] ?? 0, active: false });

          const before = await multiOrderBatches(registry);
          const outcomes = await Promise.all(
            calls.map((c) => outcomeOf(createOrder(deps, { userId: c.userId, items: c.items, idempotencyKey: c.key }))),
          );
          if ((await multiOrderBatches(registry)) > before) batchedRuns += 1;

          // The model: the created orders in id order; a call whose key an earlier order holds replays that order.
          const holder = new Map<string, { orderId: number; items: Call['items'] }>();
          const expected = new Map<number, Outcome>();
          const createdOrder = calls
            .map((c, i) => ({ c, o: outcomes[i] as Outcome }))
            .filter((x): x is { c: Call; o: Exclude<Outcome, { result: 'reused' }> } => x.o.result !== 'reused')
            .sort((a, b) => a.o.orderId - b.o.orderId);
          const seen = new Set<number>();
          for (const { c, o } of createdOrder) {
            if (seen.has(o.orderId)) continue;
            seen.add(o.orderId);
            const rowsOf = (s: number) => [...model.entries()].filter(([k]) => k.startsWith(`${s}:`)).map(([, r]) => r);
            const plans = c.items.map((item) => ({ item, plan: allocate(strategy, rowsOf(item.sku), item.count) }));
            const short = plans
              .filter((p) => p.plan === undefined)
              .map((p) => p.item.sku)
              .sort((a, b) => a - b);
            if (short.length === 0)
              for (const { item, plan } of plans)
                for (const take of plan ?? [])
                  (model.get(`${item.sku}:${take.warehouseId}`) as { available: number }).available -= take.take;
            expected.set(
              o.orderId,
              short.length === 0 ? { orderId: o.orderId, result: 'created' } : { orderId: o.orderId, result: 'failed', shortSkus: short },
            );
            if (c.key !== '') holder.set(`${c.userId}:${c.key}`, { orderId: o.orderId, items: c.items });
          }
          for (const [i, c] of calls.entries()) {
            const got = outcomes[i] as Outcome;
            const held = c.key === '' ? undefined : holder.get(`${c.userId}:${c.key}`);
            const sameItems =
              held &&
              JSON.stringify([...held.items].sort((a, b) => a.sku - b.sku)) === JSON.stringify([...c.items].sort((a, b) => a.sku - b.sku));
            if (held && !sameItems) expect(got).toEqual({ result: 'reused' });
            else expect(got).toEqual(expected.get((got as { orderId: number }).orderId));
            if (held && sameItems) expect((got as { orderId: number }).orderId).toBe(held.orderId);
          }

          const { rows } = await db.pool.query<{ sku: string; warehouse_id: string; available: string }>(
            'SELECT sku, warehouse_id, total - reserved AS available FROM stocks',
          );
          const stored = Object.fromEntries(rows.map((r) => [`${r.sku}:${r.warehouse_id}`, Number(r.available)]));
          const modelled = Object.fromEntries([...model.entries()].filter(([k]) => k in stored).map(([k, r]) => [k, r.available]));
          expect(stored).toEqual(modelled);
        },
      ),
      { numRuns: 60 },
    );
    expect(batchedRuns).toBeGreaterThan(0);
  }, 120_000);
});
