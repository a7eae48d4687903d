// kill -9 of LOMS (a real child process) while CreateOrder batches are in the database: every order a caller
// was told about exists as it was told, every order is whole (an AWAITING_PAYMENT order holds all its items,
// a FAILED one holds nothing), and the stock invariants hold.
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningBundle } from '@shop/devstack';
import { loms } from '@shop/proto';
import { eventually, freshDatabase, scrapeMetric, spawnService } from '@shop/testkit';
import { lomsCaller } from './support/grpcClients';
import { brokenStockInvariants, setStock } from './support/lomsChecks';
import { untilAnswered } from './support/orderLoad';

const processes: RunningBundle[] = [];
let pool: Pool | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  const url = await freshDatabase('loms');
  pool = new Pool({ connectionString: url, max: 2 });
  await setStock(pool, [
    ...[1, 2, 3].flatMap((sku) => [1, 2].map((warehouseId) => ({ sku, warehouseId, total: 100_000 }))),
    // Runs out during the load: some orders fail, some reservations span both warehouses.
    { sku: 4, warehouseId: 1, total: 300 },
    { sku: 4, warehouseId: 2, total: 200 },
  ]);
  env = { LOMS_DATABASE_URL: url, OUTBOX_RELAY_ENABLED: 'false', CANCELLER_ENABLED: 'false', ORDER_BATCH_MAX_SIZE: '32' };
}, 60_000);

afterAll(async () => {
  for (const p of processes) await p.stop(2_000).catch(() => undefined);
  await pool?.end();
});

const multiOrderBatches = async (adminPort: number) =>
  (await scrapeMetric(adminPort, 'loms_batch_size_count{operation="create_order"}')) -
  (await scrapeMetric(adminPort, 'loms_batch_size_bucket{le="1",operation="create_order"}'));

describe('LOMS killed with SIGKILL while order batches are in the database', () => {
  it('keeps every acknowledged order as acknowledged, and no order half-reserved', async () => {
    const ports = { grpcPort: await freePort(), adminPort: await freePort() };
    processes.push(await spawnService({ name: 'loms', env, ...ports }));
    const client = lomsCaller(ports.grpcPort);
    const orders = 2_000;
    const acknowledged = new Map<number, 'AWAITING_PAYMENT'>();
    let failed = 0;
    const unexpected: string[] = [];
    let next = 0;
    const shopper = async (n: number) => {
      for (let i = next++; i < orders; i = next++) {
        const items = [
          { sku: 1 + (i % 3), count: 1 + (i % 2) },
          { sku: 4, count: 1 + (i % 3) },
        ];
        const answer = await untilAnswered(() =>
          client.call((c) => c.createOrder, { userId: 9_000 + n, items, idempotencyKey: `batch-crash-${i}` }, 3_000),
        );
        if (answer.value?.status === loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT)
          acknowledged.set(answer.value.orderId, 'AWAITING_PAYMENT');
        else if (answer.error?.code === grpc.status.FAILED_PRECONDITION) failed += 1;
        else unexpected.push(`order ${i}: ${answer.error?.message ?? JSON.stringify(answer.value)}`);
      }
    };
    try {
      const load = Promise.all(Array.from({ length: 48 }, (_, n) => shopper(n)));
      await eventually(
        'batches of several orders in the database',
        () => multiOrderBatches(ports.adminPort),
        (b) => b >= 10,
        60_000,
        20,
      );
      const first = processes[0]!;
      first.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const acknowledgedAtKill = acknowledged.size;
      expect(next).toBeLessThan(orders);
      processes.push(await spawnService({ name: 'loms', env, ...ports }));
      await load;

      expect(unexpected).toEqual([]);
      expect(acknowledged.size + failed).toBe(orders);
      expect(acknowledgedAtKill).toBeGreaterThan(0);
      expect(failed).toBeGreaterThan(0);

      const { rows } = await pool!.query<{
        id: string;
        status: string;
        items: { sku: number; count: number }[];
        held: Record<string, number> | null;
      }>(
        `SELECT o.id, o.status, o.items,
                (SELECT jsonb_object_agg(h.sku, h.count) FROM (SELECT m.sku, SUM(m.reserved_delta) AS count FROM stock_movements m
                   WHERE m.order_id = o.id AND m.kind = 'RESERVATION' GROUP BY m.sku) h) AS held
         FROM orders o WHERE o.user_id BETWEEN 9000 AND 9047`,
      );
      const stored = new Map(rows.map((r) => [Number(r.id), r]));
      for (const [orderId, status] of acknowledged) expect(stored.get(orderId)?.status, `order ${orderId}`).toBe(status);
      const byKey = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
      const halfReserved = rows.filter((r) => {
        const wanted = r.status === 'FAILED' ? {} : Object.fromEntries(r.items.map((i) => [String(i.sku), i.count]));
        return byKey(r.held ?? {}) !== byKey(wanted);
      });
      expect(halfReserved.map((r) => r.id)).toEqual([]);
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['AWAITING_PAYMENT', 'FAILED']));
      expect(await brokenStockInvariants(pool!)).toEqual([]);
    } finally {
      client.close();
    }
  }, 120_000);
});
