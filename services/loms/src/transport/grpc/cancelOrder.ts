import type { loms } from '@shop/proto';
import { cancelOrder } from '../../app/cancelOrder';
import type { LomsDeps } from '../../app/ports';
import { checkOrderId } from './validate';

export function handleCancelOrder(deps: LomsDeps) {
  return async (request: loms.CancelOrderRequest): Promise<loms.CancelOrderResponse> => {
    checkOrderId(request.orderId);
    await cancelOrder(deps, request.orderId);
    return {};
  };
}
