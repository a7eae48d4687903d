import { OrderNotFoundError } from '../domain/errors';
import type { Order, OrderId } from '../domain/order';
import type { LomsDeps } from './ports';

export async function getOrder(deps: LomsDeps, orderId: OrderId): Promise<Order> {
  const order = await deps.orders.getById(undefined, orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order;
}
