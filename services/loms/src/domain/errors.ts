// Domain errors; each has a stable code that the transport maps to a status.
import type { OrderId, StockShortage } from './order';
import type { OrderStatus } from './orderStatus';

/** SKUs a message names before it only counts the rest: a message must stay short however many are short. */
const skusNamedInMessage = 3;

export class OrderNotFoundError extends Error {
  readonly code = 'ORDER_NOT_FOUND';
  constructor(readonly orderId: OrderId) {
    super(`order ${orderId} not found`);
  }
}

export class InsufficientStockError extends Error {
  readonly code = 'INSUFFICIENT_STOCK';
  constructor(
    readonly orderId: OrderId,
    readonly shortages: StockShortage[],
  ) {
    const named = shortages.slice(0, skusNamedInMessage).map((s) => `sku ${s.sku}`);
    const more = shortages.length - named.length;
    super(`not enough stock for order ${orderId}: ${named.join(', ')}${more > 0 ? ` and ${more} more SKUs` : ''}`);
  }
}

/** The order is in a status from which the requested change is not allowed. */
export class OrderStatusConflictError extends Error {
  readonly code = 'ORDER_STATUS_CONFLICT';
  constructor(
    readonly orderId: OrderId,
    readonly status: OrderStatus,
    readonly wanted: OrderStatus,
  ) {
    super(`order ${orderId} is ${status} and cannot become ${wanted}`);
  }
}

export class PaymentDeadlinePassedError extends Error {
  readonly code = 'PAYMENT_DEADLINE_PASSED';
  constructor(
    readonly orderId: OrderId,
    readonly deadline: Date,
  ) {
    super(`order ${orderId} was not paid before ${deadline.toISOString()} and is cancelled`);
  }
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(usedFor = 'an order with different items') {
    super(`idempotency_key was already used for ${usedFor}`);
  }
}
