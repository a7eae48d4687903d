import { IdempotencyKeyReusedError, InsufficientStockError } from '../domain/errors';
import { mergeItems, paymentDeadline, sameItems, type OrderId, type OrderItem, type UserId } from '../domain/order';
import type { OrderStatus } from '../domain/orderStatus';
import type { LomsDeps, StoredOrder } from './ports';

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
  const createdAt = deps.now();
  const deadline = paymentDeadline(createdAt, deps.paymentTimeoutMs);
  const outcome = await deps.orders.createReservingStock({
    userId: input.userId,
    items,
    idempotencyKey: key,
    createdAt,
    paymentDeadline: deadline,
    event: { eventId: deps.newEventId(), traceparent: deps.traceparent() },
  });
  switch (outcome.kind) {
    case 'created':
      return { orderId: outcome.orderId, status: outcome.status, paymentDeadline: deadline };
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
function replay(existing: StoredOrder, items: OrderItem[]): CreateOrderResult {
  if (!sameItems(existing.items, items)) throw new IdempotencyKeyReusedError();
  if (existing.status === 'FAILED') throw new InsufficientStockError(existing.id, existing.shortages ?? []);
  return { orderId: existing.id, status: existing.status, paymentDeadline: existing.paymentDeadline };
}
