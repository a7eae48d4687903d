import type { inventory } from '@shop/proto';
import { listWarehouses } from '../../app/listWarehouses';
import type { LomsDeps } from '../../app/ports';
import { warehouseToProto } from './inventoryToProto';

export function handleListWarehouses(deps: LomsDeps) {
  return async (): Promise<inventory.ListWarehousesResponse> => ({ warehouses: (await listWarehouses(deps)).map(warehouseToProto) });
}
