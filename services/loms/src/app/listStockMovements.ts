import type { StockMovement, WarehouseId } from '../domain/inventory';
import type { Sku } from '../domain/order';
import type { LomsDeps } from './ports';

export interface MovementPage {
  movements: StockMovement[];
  /** Where the next page starts; undefined on the last page. */
  nextBeforeId: number | undefined;
}

/** One page of a SKU's ledger, newest first. */
export async function listStockMovements(
  deps: LomsDeps,
  query: { sku: Sku; warehouseId: WarehouseId | undefined; beforeId: number | undefined; pageSize: number },
): Promise<MovementPage> {
  const rows = await deps.inventory.listMovements(query.sku, query.warehouseId, query.beforeId, query.pageSize + 1);
  const movements = rows.slice(0, query.pageSize);
  const last = movements[movements.length - 1];
  return { movements, nextBeforeId: rows.length > query.pageSize && last ? last.id : undefined };
}
