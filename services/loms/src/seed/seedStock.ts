// Loads the checked-in stock fixture into an empty LOMS database (a database with stock is left alone).
import fs from 'node:fs';
import { Client } from 'pg';

interface StockFixture {
  warehouses: { id: number; name: string }[];
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
    await client.query('INSERT INTO warehouses (id, name) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING', [
      fixture.warehouses.map((w) => w.id),
      fixture.warehouses.map((w) => w.name),
    ]);
    await client.query('INSERT INTO stocks (sku, warehouse_id, total) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])', [
      fixture.stocks.map((s) => s.sku),
      fixture.stocks.map((s) => s.warehouse_id),
      fixture.stocks.map((s) => s.total),
    ]);
    await client.query('COMMIT');
    return { seeded: true, rows: fixture.stocks.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
