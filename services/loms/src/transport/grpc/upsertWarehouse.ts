import type { inventory } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { upsertWarehouse } from '../../app/upsertWarehouse';
import { warehouseFromProto, warehouseToProto } from './inventoryToProto';
import { checkUpsertWarehouse } from './validateInventory';

export function handleUpsertWarehouse(deps: LomsDeps) {
  return async (request: inventory.UpsertWarehouseRequest): Promise<inventory.UpsertWarehouseResponse> => {
    const warehouse = checkUpsertWarehouse(request);
    return { warehouse: warehouseToProto(await upsertWarehouse(deps, warehouseFromProto(warehouse))) };
  };
}
