import { OrderStatusConflictError } from '../domain/errors';
import type { OrderId } from '../domain/order';
import { canTransition } from '../domain/orderStatus';
import { changeOrderStatus } from './changeOrderStatus';
import type { LomsDeps } from './ports';

export async function cancelOrder(deps: LomsDeps, orderId: OrderId): Promise<void> {
  await changeOrderStatus(deps, orderId, (order) => {
    if (order.status === 'CANCELLED') return { kind: 'unchanged', result: undefined };
    if (!canTransition(order.status, 'CANCELLED')) throw new OrderStatusConflictError(orderId, order.status, 'CANCELLED');
    return { kind: 'change', to: 'CANCELLED', settlement: 'release', result: undefined };
  });
}
