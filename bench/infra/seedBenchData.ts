// Bench data: a large stock (10,000 SKUs x 2 warehouses plus the hot SKU), a matching catalogue for the
// local ProductService, and 100,000 unpaid orders with their reservations for the canceller.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { hotSku, skuCount, skuRanges } from '../sql/ceilingScripts';

/** Enough units that no order of a bench run fails for want of stock. */
const unitsPerRow = 10_000_000;

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function seedBenchStock(lomsUrl: string): Promise<void> {
  await withClient(lomsUrl, async (c) => {
    await c.query("INSERT INTO warehouses (id, name) VALUES (1, 'bench-1'), (2, 'bench-2')");
    await c.query(
      `INSERT INTO stocks (sku, warehouse_id, total)
       SELECT sku, w, $1::bigint FROM generate_series(1, $2::bigint) sku, generate_series(1, 2) w
       UNION ALL SELECT $3::bigint, w, $1::bigint FROM generate_series(1, 2) w`,
      [unitsPerRow, skuCount, hotSku],
    );
    // The opening balance as receipts, so that the ledger explains every row (checkStock proves it after a run).
    await c.query(
      `INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, reason)
       SELECT sku, warehouse_id, 'RECEIPT', total, 0, 'bench seed' FROM stocks ORDER BY sku, warehouse_id`,
    );
    await c.query('VACUUM ANALYZE stocks');
  });
}

/** The catalogue file the local ProductService serves during the purchase scenario. */
export function writeCatalogue(dir: string): string {
  const file = path.join(dir, 'bench-catalogue.json');
  const products = Array.from({ length: skuCount }, (_, i) => ({
    sku: i + 1,
    name: `Bench item ${i + 1}`,
    price: 100 + ((i * 37) % 10_000),
  }));
  fs.writeFileSync(file, JSON.stringify({ products }));
  return file;
}

/**
 * `count` orders AWAITING_PAYMENT with 3 SKUs each, reserved in warehouse 1, their creation event already
 * published, due in an hour (the caller moves the deadline to now when the clock should start).
 */
export async function seedUnpaidOrders(lomsUrl: string, count: number): Promise<void> {
  const [a, b, c] = skuRanges.map(([lo, hi]) => ({ lo, span: hi - lo + 1 }));
  if (!a || !b || !c) throw new Error('three SKU ranges expected');
  await withClient(lomsUrl, async (client) => {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO orders (user_id, status, items, created_at, updated_at, payment_deadline)
       SELECT g, 'AWAITING_PAYMENT',
              jsonb_build_array(jsonb_build_object('sku', $2 + (g * 7919) % $3, 'count', 1),
                                jsonb_build_object('sku', $4 + (g * 104729) % $5, 'count', 1),
                                jsonb_build_object('sku', $6 + (g * 1299709) % $7, 'count', 1)),
              now(), now(), now() + interval '1 hour'
       FROM generate_series(1, $1::bigint) g`,
      [count, a.lo, a.span, b.lo, b.span, c.lo, c.span],
    );
    await client.query(
      `INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id)
       SELECT (i->>'sku')::bigint, 1, 'RESERVATION', 0, (i->>'count')::bigint, o.id
       FROM orders o, jsonb_array_elements(o.items) i ORDER BY o.id, 1`,
    );
    await client.query(
      `UPDATE stocks s SET reserved = r.units
       FROM (SELECT sku, warehouse_id, sum(count) AS units FROM reservations GROUP BY sku, warehouse_id) r
       WHERE s.sku = r.sku AND s.warehouse_id = r.warehouse_id`,
    );
    await client.query(
      `INSERT INTO outbox (event_id, order_id, user_id, status, previous_status, items, occurred_at, published_at)
       SELECT gen_random_uuid(), id, user_id, 'AWAITING_PAYMENT', 'NEW', items, created_at, now() FROM orders`,
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  });
}
