import type { loms } from '@shop/proto';
import { getOrder } from '../../app/getOrder';
import type { LomsDeps } from '../../app/ports';
import { orderToProto } from './toProto';
import { checkOrderId } from './validate';

export function handleGetOrder(deps: LomsDeps) {
  return async (request: loms.GetOrderRequest): Promise<loms.GetOrderResponse> => {
    checkOrderId(request.orderId);
    return { order: orderToProto(await getOrder(deps, request.orderId)) };
  };
}
