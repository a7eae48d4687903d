import { OrderNotFoundError, OrderStatusConflictError, PaymentDeadlinePassedError } from '../domain/errors';
import { isPastDeadline, type OrderId } from '../domain/order';
import { canTransition } from '../domain/orderStatus';
import { statusChanged } from '../domain/statusChange';
import type { LomsDeps } from './ports';

export async function payOrder(deps: LomsDeps, orderId: OrderId): Promise<void> {
  const expiredAt = await deps.inTransaction(async (tx) => {
    const order = await deps.orders.getByIdForUpdate(tx, orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    if (order.status === 'PAYED') return undefined;
    if (!canTransition(order.status, 'PAYED')) throw new OrderStatusConflictError(orderId, order.status, 'PAYED');
    const now = deps.now();
    const ids = { eventId: deps.newEventId(), traceparent: deps.traceparent() };
    if (isPastDeadline(order, now)) {
      await deps.stocks.releaseReservations(tx, [orderId]);
      await deps.orders.setStatus(tx, [orderId], 'CANCELLED', now);
      await deps.outbox.add(tx, [statusChanged(order, 'CANCELLED', now, ids)]);
      return order.paymentDeadline;
    }
    await deps.stocks.writeOffReservations(tx, [orderId]);
    await deps.orders.setStatus(tx, [orderId], 'PAYED', now);
    await deps.outbox.add(tx, [statusChanged(order, 'PAYED', now, ids)]);
    return undefined;
  });
  // Thrown after the commit: the late order stays cancelled.
  if (expiredAt) throw new PaymentDeadlinePassedError(orderId, expiredAt);
}
