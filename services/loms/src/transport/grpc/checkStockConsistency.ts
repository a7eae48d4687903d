import type { inventory } from '@shop/proto';
import { checkStockConsistency } from '../../app/checkStockConsistency';
import type { LomsDeps } from '../../app/ports';
import { driftToProto } from './inventoryToProto';
import { checkStockConsistencyRequest } from './validateInventory';

export function handleCheckStockConsistency(deps: LomsDeps) {
  return async (request: inventory.CheckStockConsistencyRequest): Promise<inventory.CheckStockConsistencyResponse> => {
    checkStockConsistencyRequest(request);
    const report = await checkStockConsistency(deps, request.skus);
    return { rowsChecked: report.rowsChecked, drifts: report.drifts.map(driftToProto), driftsTotal: report.driftsTotal };
  };
}
