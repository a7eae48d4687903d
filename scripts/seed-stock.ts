// Compose one-shot after `migrate`: loads data/stock.json into the LOMS database if it has no stock yet.
import path from 'node:path';
import { seedStock } from '../services/loms/src/seed/seedStock';

async function main(): Promise<void> {
  const databaseUrl = process.env.LOMS_DATABASE_URL;
  if (!databaseUrl) throw new Error('LOMS_DATABASE_URL is not set');
  const result = await seedStock(databaseUrl, path.resolve(process.env.STOCK_FILE ?? 'data/stock.json'));
  console.log(result.seeded ? `seeded ${result.rows} stock rows` : 'stock already present; left alone');
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
