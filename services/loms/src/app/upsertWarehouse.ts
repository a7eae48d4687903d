import type { Warehouse } from '../domain/inventory';
import { WarehouseNotFoundError } from '../domain/inventoryErrors';
import type { LomsDeps } from './ports';

/** Creates a warehouse (id 0) or replaces one; (de)activation changes what its units count for at once. */
export async function upsertWarehouse(deps: LomsDeps, warehouse: Warehouse): Promise<Warehouse> {
  const stored = await deps.inventory.upsertWarehouse(warehouse, deps.traceparent());
  if (!stored) throw new WarehouseNotFoundError(warehouse.id);
  return stored;
}
