import { decodePageToken, encodePageToken } from '@shop/platform';
import type { inventory } from '@shop/proto';
import { listStockMovements } from '../../app/listStockMovements';
import type { LomsDeps } from '../../app/ports';
import { movementToProto } from './inventoryToProto';
import { defaultPageSize } from './validate';
import { checkListStockMovements } from './validateInventory';

export function handleListStockMovements(deps: LomsDeps) {
  return async (request: inventory.ListStockMovementsRequest): Promise<inventory.ListStockMovementsResponse> => {
    checkListStockMovements(request);
    const scope = `m${request.sku}:${request.warehouseId}`;
    const [beforeId] = decodePageToken(scope, request.pageToken) ?? [];
    const page = await listStockMovements(deps, {
      sku: request.sku,
      warehouseId: request.warehouseId === 0 ? undefined : request.warehouseId,
      beforeId,
      pageSize: request.pageSize || defaultPageSize,
    });
    return {
      movements: page.movements.map(movementToProto),
      nextPageToken: page.nextBeforeId === undefined ? '' : encodePageToken(scope, [page.nextBeforeId]),
    };
  };
}
