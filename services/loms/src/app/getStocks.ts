import type { StockLevel } from '../domain/inventory';
import type { Sku } from '../domain/order';
import type { LomsDeps } from './ports';

export interface StockOfSku {
  /** Over active warehouses only. */
  available: number;
  warehouses: StockLevel[];
}

/** An unknown SKU simply has nothing available. */
export async function getStocks(deps: LomsDeps, sku: Sku): Promise<StockOfSku> {
  const warehouses = await deps.stocks.getBySku(sku);
  return { available: warehouses.reduce((sum, w) => sum + w.available, 0), warehouses };
}
