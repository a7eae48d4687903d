import type { StockLevel, WarehouseId } from '../domain/inventory';
import { StockTotalTooLargeError } from '../domain/inventoryErrors';
import { mergeItems, type OrderItem } from '../domain/order';
import { idempotentInventoryChange } from './idempotentInventoryChange';
import type { LomsDeps } from './ports';

export interface ReceiveStockInput {
  /** Empty means no idempotency. */
  idempotencyKey: string;
  warehouseId: WarehouseId;
  items: OrderItem[];
}

/** Adds the received units to the warehouse's stock rows (created when missing): one receipt movement each. */
export async function receiveStock(deps: LomsDeps, input: ReceiveStockInput): Promise<StockLevel[]> {
  const items = mergeItems(input.items);
  const request = { method: 'ReceiveStock', idempotencyKey: input.idempotencyKey, warehouseId: input.warehouseId, items };
  const skus = items.map((i) => i.sku);
  await deps.inventory.createMissingRows(input.warehouseId, skus, input.idempotencyKey);
  const { levels } = await idempotentInventoryChange(deps, request, async (tx) => {
    const rows = await deps.inventory.lockStock(tx, skus);
    for (const item of items) {
      const row = rows.find((r) => r.sku === item.sku && r.warehouseId === input.warehouseId);
      if (row && row.total + item.count > Number.MAX_SAFE_INTEGER) throw new StockTotalTooLargeError(item.sku, row.total);
    }
    const changes = items.map((i) => ({
      sku: i.sku,
      warehouseId: input.warehouseId,
      kind: 'RECEIPT' as const,
      totalDelta: i.count,
      reason: input.idempotencyKey,
    }));
    return { levels: await deps.inventory.applyChanges(tx, changes, deps.traceparent()) };
  });
  return levels;
}
