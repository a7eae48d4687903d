// Loads the checked-in stock fixture into an empty LOMS database (a database with stock is left alone): its
// warehouses with their names and priorities, and its stock as one receipt per row, movements and events included.
import fs from 'node:fs';
import { Client } from 'pg';
import type { Queryable } from '@shop/platform';
import { applyStockChanges } from '../storage/inventory';

interface StockFixture {
  warehouses: { id: number; name: string; priority?: number; active?: boolean }[];
  stocks: { sku: number; warehouse_id: number; total: number }[];
}

export async function seedStock(databaseUrl: string, stockFile: string): Promise<{ seeded: boolean; rows: number }> {
  const fixture = JSON.parse(fs.readFileSync(stockFile, 'utf8')) as StockFixture;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM stocks');
    if (Number(rows[0]?.n ?? 0) > 0) return { seeded: false, rows: 0 };
    await client.query('BEGIN');
    await insertStockAsReceipts(client as unknown as Queryable, fixture.warehouses, fixture.stocks, 'seed');
    await client.query('COMMIT');
    return { seeded: true, rows: fixture.stocks.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** Creates the warehouses (when missing) and receives the stock into them, in the caller's transaction. */
export async function insertStockAsReceipts(
  q: Queryable,
  warehouses: StockFixture['warehouses'],
  stocks: StockFixture['stocks'],
  reason: string,
): Promise<void> {
  await q.query({
    text: `INSERT INTO warehouses (id, name, priority, active)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::boolean[]) ON CONFLICT DO NOTHING`,
    values: [
      warehouses.map((w) => w.id),
      warehouses.map((w) => w.name),
      warehouses.map((w) => w.priority ?? 0),
      warehouses.map((w) => w.active ?? true),
    ],
  });
  await q.query({
    text: `INSERT INTO stocks (sku, warehouse_id, total, warehouse_active, warehouse_priority)
           SELECT s.sku, s.warehouse_id, 0, w.active, w.priority FROM unnest($1::bigint[], $2::bigint[]) AS s(sku, warehouse_id)
           JOIN warehouses w ON w.id = s.warehouse_id ORDER BY s.sku, s.warehouse_id ON CONFLICT DO NOTHING`,
    values: [stocks.map((s) => s.sku), stocks.map((s) => s.warehouse_id)],
  });
  await applyStockChanges(
    q,
    stocks.map((s) => ({ sku: s.sku, warehouseId: s.warehouse_id, kind: 'RECEIPT' as const, totalDelta: s.total, reason })),
    undefined,
  );
}
