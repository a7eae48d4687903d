import { OrderStatusConflictError, PaymentDeadlinePassedError } from '../domain/errors';
import { isPastDeadline, type OrderId } from '../domain/order';
import { canTransition } from '../domain/orderStatus';
import { changeOrderStatus } from './changeOrderStatus';
import type { LomsDeps } from './ports';

export async function payOrder(deps: LomsDeps, orderId: OrderId): Promise<void> {
  const expiredAt = await changeOrderStatus(deps, orderId, (order, now) => {
    if (order.status === 'PAYED') return { kind: 'unchanged', result: undefined };
    if (!canTransition(order.status, 'PAYED')) throw new OrderStatusConflictError(orderId, order.status, 'PAYED');
    if (isPastDeadline(order, now)) return { kind: 'change', to: 'CANCELLED', settlement: 'release', result: order.paymentDeadline };
    return { kind: 'change', to: 'PAYED', settlement: 'writeOff', result: undefined };
  });
  // Thrown after the change is stored: the late order stays cancelled.
  if (expiredAt) throw new PaymentDeadlinePassedError(orderId, expiredAt);
}
