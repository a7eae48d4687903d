// The one place where Checkout's domain errors become gRPC statuses with google.rpc details.
import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, invalidArgumentStatus, statusError, type StatusError } from '@shop/platform';
import {
  CartFullError,
  CartItemLimitError,
  DependencyTimeoutError,
  DependencyUnavailableError,
  EmptyCartError,
  IdempotencyKeyReusedError,
  InsufficientStockError,
  OrderRejectedError,
  ProductNotFoundError,
  type StockShortage,
} from '../../domain/errors';

const domain = 'checkout.v1';

export function toGrpcError(err: unknown): StatusError | undefined {
  if (err instanceof ProductNotFoundError) return statusError(grpc.status.NOT_FOUND, err.message);
  if (err instanceof InsufficientStockError) return preconditionFailed(err.message, 'INSUFFICIENT_STOCK', stockViolation(err));
  if (err instanceof CartItemLimitError)
    return preconditionFailed(err.message, 'CART_ITEM_LIMIT', {
      type: 'CART_LIMIT',
      subject: `sku:${err.sku}`,
      description: `requested ${err.requested}, at most ${err.limit}`,
    });
  if (err instanceof CartFullError)
    return preconditionFailed(err.message, 'CART_FULL', {
      type: 'CART_LIMIT',
      subject: 'cart',
      description: `at most ${err.limit} distinct SKUs`,
    });
  if (err instanceof EmptyCartError)
    return preconditionFailed(err.message, 'EMPTY_CART', { type: 'CART', subject: `user:${err.userId}`, description: 'the cart is empty' });
  if (err instanceof OrderRejectedError) return orderRejected(err);
  if (err instanceof IdempotencyKeyReusedError)
    return invalidArgumentStatus(new InvalidArgumentError([{ field: 'idempotency_key', description: err.message }]));
  if (err instanceof DependencyTimeoutError) return statusError(grpc.status.DEADLINE_EXCEEDED, err.message);
  if (err instanceof DependencyUnavailableError) return statusError(grpc.status.UNAVAILABLE, err.message);
  // DependencyContractError stays unmapped: INTERNAL, logged with its trace id.
  return undefined;
}

function preconditionFailed(
  message: string,
  reason: string,
  violation: { type: string; subject: string; description: string },
): StatusError {
  return statusError(grpc.status.FAILED_PRECONDITION, message, [
    { kind: 'ErrorInfo', value: { reason, domain, metadata: {} } },
    { kind: 'PreconditionFailure', value: { violations: [violation] } },
  ]);
}

/** LOMS' refusal as LOMS answered it (docs/api.md, Purchase): its message, its domain and its details. */
function orderRejected(err: OrderRejectedError): StatusError {
  return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
    {
      kind: 'ErrorInfo',
      value: {
        reason: 'INSUFFICIENT_STOCK',
        domain: 'loms.v1',
        metadata: { order_id: String(err.orderId), violations_total: String(err.shortagesTotal) },
      },
    },
    { kind: 'PreconditionFailure', value: { violations: err.shortages.map(stockViolation) } },
  ]);
}

function stockViolation(shortage: StockShortage): { type: string; subject: string; description: string } {
  return { type: 'STOCK', subject: `sku:${shortage.sku}`, description: `requested ${shortage.requested}, available ${shortage.available}` };
}
