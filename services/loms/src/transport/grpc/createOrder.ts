import type { loms } from '@shop/proto';
import { createOrder } from '../../app/createOrder';
import type { LomsDeps } from '../../app/ports';
import { orderStatusToProto } from './toProto';
import { checkCreateOrder } from './validate';

export function handleCreateOrder(deps: LomsDeps) {
  return async (request: loms.CreateOrderRequest): Promise<loms.CreateOrderResponse> => {
    checkCreateOrder(request);
    const result = await createOrder(deps, { userId: request.userId, items: request.items, idempotencyKey: request.idempotencyKey });
    return { orderId: result.orderId, status: orderStatusToProto(result.status), paymentDeadline: result.paymentDeadline };
  };
}
