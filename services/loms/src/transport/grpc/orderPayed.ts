import type { loms } from '@shop/proto';
import { payOrder } from '../../app/payOrder';
import type { LomsDeps } from '../../app/ports';
import { checkOrderId } from './validate';

export function handleOrderPayed(deps: LomsDeps) {
  return async (request: loms.OrderPayedRequest): Promise<loms.OrderPayedResponse> => {
    checkOrderId(request.orderId);
    await payOrder(deps, request.orderId);
    return {};
  };
}
