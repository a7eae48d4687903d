import type { loms } from '@shop/proto';
import { getStocks } from '../../app/getStocks';
import type { LomsDeps } from '../../app/ports';
import { checkSku } from './validate';

export function handleStocks(deps: LomsDeps) {
  return async (request: loms.StocksRequest): Promise<loms.StocksResponse> => {
    checkSku(request.sku);
    const stock = await getStocks(deps, request.sku);
    return {
      available: stock.available,
      warehouses: stock.warehouses.map((w) => ({
        warehouseId: w.warehouseId,
        total: w.total,
        reserved: w.reserved,
        available: w.available,
      })),
    };
  };
}
