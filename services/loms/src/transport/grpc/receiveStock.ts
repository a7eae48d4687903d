import type { inventory } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { receiveStock } from '../../app/receiveStock';
import { stockLevelToProto } from './inventoryToProto';
import { checkReceiveStock } from './validateInventory';

export function handleReceiveStock(deps: LomsDeps) {
  return async (request: inventory.ReceiveStockRequest): Promise<inventory.ReceiveStockResponse> => {
    checkReceiveStock(request);
    const levels = await receiveStock(deps, {
      idempotencyKey: request.idempotencyKey,
      warehouseId: request.warehouseId,
      items: request.items,
    });
    return { levels: levels.map(stockLevelToProto) };
  };
}
