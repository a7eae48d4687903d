// Domain orders to their proto messages.
import { loms } from '@shop/proto';
import type { Order } from '../../domain/order';
import type { OrderStatus } from '../../domain/orderStatus';

const statusToProto: Record<OrderStatus, loms.OrderStatus> = {
  NEW: loms.OrderStatus.ORDER_STATUS_NEW,
  AWAITING_PAYMENT: loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT,
  FAILED: loms.OrderStatus.ORDER_STATUS_FAILED,
  PAYED: loms.OrderStatus.ORDER_STATUS_PAYED,
  CANCELLED: loms.OrderStatus.ORDER_STATUS_CANCELLED,
};

export const orderStatusToProto = (status: OrderStatus): loms.OrderStatus => statusToProto[status];

export function orderToProto(order: Order): loms.Order {
  return {
    orderId: order.id,
    userId: order.userId,
    status: orderStatusToProto(order.status),
    items: order.items.map((i) => ({ sku: i.sku, count: i.count })),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    paymentDeadline: order.paymentDeadline,
    shortages: order.shortages.map((s) => ({ sku: s.sku, requested: s.requested, available: s.available })),
  };
}
