import { OrderNotFoundError, OrderStatusConflictError } from '../domain/errors';
import type { OrderId } from '../domain/order';
import { canTransition } from '../domain/orderStatus';
import { statusChanged } from '../domain/statusChange';
import type { LomsDeps } from './ports';

export async function cancelOrder(deps: LomsDeps, orderId: OrderId): Promise<void> {
  await deps.inTransaction(async (tx) => {
    const order = await deps.orders.getByIdForUpdate(tx, orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    if (order.status === 'CANCELLED') return;
    if (!canTransition(order.status, 'CANCELLED')) throw new OrderStatusConflictError(orderId, order.status, 'CANCELLED');
    const now = deps.now();
    await deps.stocks.releaseReservations(tx, [orderId]);
    await deps.orders.setStatus(tx, [orderId], 'CANCELLED', now);
    await deps.outbox.add(tx, [statusChanged(order, 'CANCELLED', now, { eventId: deps.newEventId(), traceparent: deps.traceparent() })]);
  });
}
