// loms.v1.InventoryService: each method's handler (one a file) behind the shared error mapping.
import { boundUnaryHandler, type Logger } from '@shop/platform';
import type { inventory } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { handleAdjustStock } from './adjustStock';
import { handleCheckStockConsistency } from './checkStockConsistency';
import { handleListStockMovements } from './listStockMovements';
import { handleListWarehouses } from './listWarehouses';
import { handleReceiveStock } from './receiveStock';
import { toGrpcError } from './toGrpcError';
import { handleUpsertWarehouse } from './upsertWarehouse';

export function inventoryService(deps: LomsDeps, logger: Logger): inventory.InventoryServiceServer {
  const handler = boundUnaryHandler(toGrpcError, logger);
  return {
    listWarehouses: handler('ListWarehouses', handleListWarehouses(deps)),
    upsertWarehouse: handler('UpsertWarehouse', handleUpsertWarehouse(deps)),
    receiveStock: handler('ReceiveStock', handleReceiveStock(deps)),
    adjustStock: handler('AdjustStock', handleAdjustStock(deps)),
    listStockMovements: handler('ListStockMovements', handleListStockMovements(deps)),
    checkStockConsistency: handler('CheckStockConsistency', handleCheckStockConsistency(deps)),
  };
}
