// loms.v1.InventoryService: each method validates, calls one use case and maps the result.
import { unaryHandler, type Logger } from '@shop/platform';
import type { inventory } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { adjustStock } from '../../app/adjustStock';
import { checkStockConsistency } from '../../app/checkStockConsistency';
import { listStockMovements } from '../../app/listStockMovements';
import { listWarehouses } from '../../app/listWarehouses';
import { receiveStock } from '../../app/receiveStock';
import { upsertWarehouse } from '../../app/upsertWarehouse';
import { driftToProto, movementToProto, stockLevelToProto, warehouseFromProto, warehouseToProto } from './inventoryToProto';
import { decodePageToken, encodePageToken } from './pageToken';
import { toGrpcError } from './toGrpcError';
import {
  checkAdjustStock,
  checkListStockMovements,
  checkReceiveStock,
  checkStockConsistencyRequest,
  checkUpsertWarehouse,
} from './validateInventory';

const defaultPageSize = 50;

export function inventoryService(deps: LomsDeps, logger: Logger): inventory.InventoryServiceServer {
  const unary = <Req, Res>(method: string, handle: (req: Req) => Promise<Res>) =>
    unaryHandler<Req, Res>(method, handle, toGrpcError, logger);

  return {
    listWarehouses: unary('ListWarehouses', async (): Promise<inventory.ListWarehousesResponse> => ({
      warehouses: (await listWarehouses(deps)).map(warehouseToProto),
    })),

    upsertWarehouse: unary('UpsertWarehouse', async (req: inventory.UpsertWarehouseRequest): Promise<inventory.UpsertWarehouseResponse> => {
      const warehouse = checkUpsertWarehouse(req);
      return { warehouse: warehouseToProto(await upsertWarehouse(deps, warehouseFromProto(warehouse))) };
    }),

    receiveStock: unary('ReceiveStock', async (req: inventory.ReceiveStockRequest): Promise<inventory.ReceiveStockResponse> => {
      checkReceiveStock(req);
      const levels = await receiveStock(deps, { idempotencyKey: req.idempotencyKey, warehouseId: req.warehouseId, items: req.items });
      return { levels: levels.map(stockLevelToProto) };
    }),

    adjustStock: unary('AdjustStock', async (req: inventory.AdjustStockRequest): Promise<inventory.AdjustStockResponse> => {
      checkAdjustStock(req);
      const level = await adjustStock(deps, {
        idempotencyKey: req.idempotencyKey,
        warehouseId: req.warehouseId,
        sku: req.sku,
        newTotal: req.newTotal,
        expectedTotal: req.expectedTotal,
        reason: req.reason,
      });
      return { level: stockLevelToProto(level) };
    }),

    listStockMovements: unary(
      'ListStockMovements',
      async (req: inventory.ListStockMovementsRequest): Promise<inventory.ListStockMovementsResponse> => {
        checkListStockMovements(req);
        const scope = `m${req.sku}:${req.warehouseId}`;
        const page = await listStockMovements(deps, {
          sku: req.sku,
          warehouseId: req.warehouseId === 0 ? undefined : req.warehouseId,
          beforeId: decodePageToken(scope, req.pageToken),
          pageSize: req.pageSize || defaultPageSize,
        });
        return {
          movements: page.movements.map(movementToProto),
          nextPageToken: page.nextBeforeId === undefined ? '' : encodePageToken(scope, page.nextBeforeId),
        };
      },
    ),

    checkStockConsistency: unary(
      'CheckStockConsistency',
      async (req: inventory.CheckStockConsistencyRequest): Promise<inventory.CheckStockConsistencyResponse> => {
        checkStockConsistencyRequest(req);
        const report = await checkStockConsistency(deps, req.skus);
        return { rowsChecked: report.rowsChecked, drifts: report.drifts.map(driftToProto), driftsTotal: report.driftsTotal };
      },
    ),
  };
}
