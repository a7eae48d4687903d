import type { inventory } from '@shop/proto';
import { adjustStock } from '../../app/adjustStock';
import type { LomsDeps } from '../../app/ports';
import { stockLevelToProto } from './inventoryToProto';
import { checkAdjustStock } from './validateInventory';

export function handleAdjustStock(deps: LomsDeps) {
  return async (request: inventory.AdjustStockRequest): Promise<inventory.AdjustStockResponse> => {
    checkAdjustStock(request);
    const level = await adjustStock(deps, {
      idempotencyKey: request.idempotencyKey,
      warehouseId: request.warehouseId,
      sku: request.sku,
      newTotal: request.newTotal,
      expectedTotal: request.expectedTotal,
      reason: request.reason,
    });
    return { level: stockLevelToProto(level) };
  };
}
