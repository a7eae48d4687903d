import type { Warehouse } from '../domain/inventory';
import { WarehouseNotFoundError } from '../domain/inventoryErrors';
import type { LomsDeps } from './ports';

/** Creates a warehouse (id 0) or replaces one; (de)activation and priority change what its units count for at once. */
export function upsertWarehouse(deps: LomsDeps, warehouse: Warehouse): Promise<Warehouse> {
  return deps.inTransaction(async (tx) => {
    if (warehouse.id === 0) return deps.inventory.createWarehouse(tx, warehouse);
    const before = await deps.inventory.lockWarehouseForChange(tx, warehouse.id);
    if (!before) throw new WarehouseNotFoundError(warehouse.id);
    await deps.inventory.updateWarehouse(tx, warehouse);
    if (before.active !== warehouse.active) await deps.inventory.setStockActivity(tx, warehouse.id, warehouse.active, deps.traceparent());
    if (before.priority !== warehouse.priority) await deps.inventory.setStockPriority(tx, warehouse.id, warehouse.priority);
    return warehouse;
  });
}
