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
} from '../../domain/errors';

const domain = 'checkout.v1';

export function toGrpcError(err: unknown): StatusError | undefined {
  if (err instanceof ProductNotFoundError) return statusError(grpc.status.NOT_FOUND, err.message);
  if (err instanceof InsufficientStockError)
    return preconditionFailed(err.message, 'INSUFFICIENT_STOCK', {
      type: 'STOCK',
      subject: `sku:${err.sku}`,
      description: `requested ${err.requested}, available ${err.available}`,
    });
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
  if (err instanceof OrderRejectedError) return passThrough(grpc.status.FAILED_PRECONDITION, err);
  if (err instanceof IdempotencyKeyReusedError)
    return invalidArgumentStatus(new InvalidArgumentError([{ field: 'idempotency_key', description: err.message }]));
  if (err instanceof DependencyTimeoutError) return statusError(grpc.status.DEADLINE_EXCEEDED, err.message);
  if (err instanceof DependencyUnavailableError) return statusError(grpc.status.UNAVAILABLE, err.message);
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

/** LOMS' answer as it came: same message and the same `grpc-status-details-bin`. */
function passThrough(code: grpc.status, err: OrderRejectedError): StatusError {
  const passed = statusError(code, err.message);
  const cause = err.cause as { metadata?: grpc.Metadata };
  const details = cause.metadata?.get('grpc-status-details-bin')[0];
  if (details !== undefined) passed.metadata.set('grpc-status-details-bin', details);
  return passed;
}
