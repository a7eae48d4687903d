// loms.v1.InventoryService: each method's handler (one a file) behind the shared error mapping.
import { unaryHandler, type Logger } from '@shop/platform';
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
  return {
    listWarehouses: unaryHandler('ListWarehouses', handleListWarehouses(deps), toGrpcError, logger),
    upsertWarehouse: unaryHandler('UpsertWarehouse', handleUpsertWarehouse(deps), toGrpcError, logger),
    receiveStock: unaryHandler('ReceiveStock', handleReceiveStock(deps), toGrpcError, logger),
    adjustStock: unaryHandler('AdjustStock', handleAdjustStock(deps), toGrpcError, logger),
    listStockMovements: unaryHandler('ListStockMovements', handleListStockMovements(deps), toGrpcError, logger),
    checkStockConsistency: unaryHandler('CheckStockConsistency', handleCheckStockConsistency(deps), toGrpcError, logger),
  };
}
