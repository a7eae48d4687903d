// The event every status change records in the outbox.
import type { Order, OrderId, OrderItem, UserId } from './order';
import type { OrderStatus } from './orderStatus';

export interface OrderStatusChanged {
  eventId: string;
  orderId: OrderId;
  userId: UserId;
  status: OrderStatus;
  previousStatus: OrderStatus;
  occurredAt: Date;
  items: OrderItem[];
  /** 1 for an order's first event, +1 for each later one. */
  version: number;
  /** W3C traceparent of the request that caused the change. */
  traceparent: string | undefined;
}

export function statusChanged(
  order: Pick<Order, 'id' | 'userId' | 'status' | 'items' | 'eventVersion'>,
  to: OrderStatus,
  occurredAt: Date,
  ids: { eventId: string; traceparent: string | undefined },
): OrderStatusChanged {
  return {
    eventId: ids.eventId,
    orderId: order.id,
    userId: order.userId,
    status: to,
    previousStatus: order.status,
    occurredAt,
    items: order.items,
    version: order.eventVersion + 1,
    traceparent: ids.traceparent,
  };
}
