import type { Order, OrderId, UserId } from '../domain/order';
import type { LomsDeps } from './ports';

export interface ListOrdersInput {
  userId: UserId;
  pageSize: number;
  /** Orders older than this one (ids grow with time), from the previous page. */
  beforeOrderId: OrderId | undefined;
}

export async function listOrders(
  deps: LomsDeps,
  input: ListOrdersInput,
): Promise<{ orders: Order[]; nextBeforeOrderId: OrderId | undefined }> {
  const page = await deps.orders.listByUser(input.userId, input.beforeOrderId, input.pageSize + 1);
  const orders = page.slice(0, input.pageSize);
  const hasMore = page.length > input.pageSize;
  return { orders, nextBeforeOrderId: hasMore ? orders[orders.length - 1]?.id : undefined };
}
