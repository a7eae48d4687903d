import type { StockLevel, WarehouseId } from '../domain/inventory';
import type { Sku } from '../domain/order';
import { countDelta } from '../domain/stockCount';
import { idempotentInventoryChange } from './idempotentInventoryChange';
import type { LomsDeps } from './ports';

export interface AdjustStockInput {
  /** Empty means no idempotency. */
  idempotencyKey: string;
  warehouseId: WarehouseId;
  sku: Sku;
  newTotal: number;
  /** Compare-and-set: the count applies only if the total is still this. */
  expectedTotal: number | undefined;
  reason: string;
}

/** Records a stock count: the row's total becomes the counted one, as one adjustment movement. */
export async function adjustStock(deps: LomsDeps, input: AdjustStockInput): Promise<StockLevel> {
  const request = { method: 'AdjustStock', ...input, expectedTotal: input.expectedTotal ?? null };
  // A missing row counts as an empty one: a count expecting another total is refused without making it.
  const missingRowCounts = input.expectedTotal === undefined || input.expectedTotal === 0;
  if (missingRowCounts) await deps.inventory.createMissingRows(input.warehouseId, [input.sku], input.idempotencyKey);
  const { level } = await idempotentInventoryChange(deps, request, async (tx) => {
    const rows = await deps.inventory.lockStock(tx, [input.sku]);
    const row = rows.find((r) => r.warehouseId === input.warehouseId) ?? (missingRowCounts ? undefined : { total: 0, reserved: 0 });
    if (!row) throw new Error(`stock row ${input.sku}/${input.warehouseId} missing after it was created`);
    const totalDelta = countDelta(row, input.newTotal, input.expectedTotal);
    const change = { sku: input.sku, warehouseId: input.warehouseId, kind: 'ADJUSTMENT' as const, totalDelta, reason: input.reason };
    const [after] = await deps.inventory.applyChanges(tx, [change], deps.traceparent());
    if (!after) throw new Error(`stock row ${input.sku}/${input.warehouseId} was not changed`);
    return { level: after };
  });
  return level;
}
