import { IdempotencyKeyReusedError, InsufficientStockError } from '../domain/errors';
import { mergeItems, sameItems, type Order, type OrderId, type OrderItem, type UserId } from '../domain/order';
import type { OrderStatus } from '../domain/orderStatus';
import type { LomsDeps } from './ports';

export interface CreateOrderInput {
  userId: UserId;
  items: OrderItem[];
  /** Empty means no idempotency. */
  idempotencyKey: string;
}

export interface CreateOrderResult {
  orderId: OrderId;
  status: OrderStatus;
  paymentDeadline: Date;
}

export async function createOrder(deps: LomsDeps, input: CreateOrderInput): Promise<CreateOrderResult> {
  const items = mergeItems(input.items);
  const key = input.idempotencyKey === '' ? undefined : input.idempotencyKey;
  // One statement on the hot path: the order is dated, and its deadline set, by the database's clock.
  const outcome = await deps.orders.createReservingStock({
    userId: input.userId,
    items,
    idempotencyKey: key,
    paymentTimeoutMs: deps.paymentTimeoutMs,
    event: { eventId: deps.newEventId(), traceparent: deps.traceparent() },
  });
  switch (outcome.kind) {
    case 'created':
      return { orderId: outcome.orderId, status: outcome.status, paymentDeadline: outcome.paymentDeadline };
    case 'failed':
      throw new InsufficientStockError(outcome.orderId, outcome.shortages);
    case 'keyTaken': {
      const existing = await deps.orders.getByIdempotencyKey(input.userId, key ?? '');
      if (!existing) throw new Error('idempotency key conflict without an order');
      return replay(existing, items);
    }
  }
}

/** A retry with a used key answers as the first call did, without reserving anything again. */
function replay(existing: Order, items: OrderItem[]): CreateOrderResult {
  if (!sameItems(existing.items, items)) throw new IdempotencyKeyReusedError();
  if (existing.status === 'FAILED') throw new InsufficientStockError(existing.id, existing.shortages);
  return { orderId: existing.id, status: existing.status, paymentDeadline: existing.paymentDeadline };
}
