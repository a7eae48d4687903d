import type { Sku } from '../domain/order';
import type { LomsDeps, WarehouseStock } from './ports';

export interface StockOfSku {
  available: number;
  warehouses: (WarehouseStock & { available: number })[];
}

/** An unknown SKU simply has nothing available. */
export async function getStocks(deps: LomsDeps, sku: Sku): Promise<StockOfSku> {
  const rows = await deps.stocks.getBySku(sku);
  const warehouses = rows.map((row) => ({ ...row, available: row.total - row.reserved }));
  return { available: warehouses.reduce((sum, w) => sum + w.available, 0), warehouses };
}
