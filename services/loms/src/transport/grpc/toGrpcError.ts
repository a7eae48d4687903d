// LOMS domain errors to gRPC statuses with google.rpc details.
import * as grpc from '@grpc/grpc-js';
import { statusError, type StatusError } from '@shop/platform';
import {
  IdempotencyKeyReusedError,
  InsufficientStockError,
  OrderNotFoundError,
  OrderStatusConflictError,
  PaymentDeadlinePassedError,
} from '../../domain/errors';

const domain = 'loms.v1';

export function toGrpcError(err: unknown): StatusError | undefined {
  if (err instanceof OrderNotFoundError) return statusError(grpc.status.NOT_FOUND, err.message);
  if (err instanceof InsufficientStockError)
    return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
      { kind: 'ErrorInfo', value: { reason: 'INSUFFICIENT_STOCK', domain, metadata: { order_id: String(err.orderId) } } },
      {
        kind: 'PreconditionFailure',
        value: {
          violations: err.shortages.map((s) => ({
            type: 'STOCK',
            subject: `sku:${s.sku}`,
            description: `requested ${s.requested}, available ${s.available}`,
          })),
        },
      },
    ]);
  if (err instanceof OrderStatusConflictError)
    return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
      {
        kind: 'ErrorInfo',
        value: { reason: 'ORDER_STATUS_CONFLICT', domain, metadata: { order_id: String(err.orderId), status: err.status } },
      },
      {
        kind: 'PreconditionFailure',
        value: { violations: [{ type: 'STATUS', subject: `order:${err.orderId}`, description: err.message }] },
      },
    ]);
  if (err instanceof PaymentDeadlinePassedError)
    return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
      {
        kind: 'ErrorInfo',
        value: {
          reason: 'PAYMENT_DEADLINE_PASSED',
          domain,
          metadata: { order_id: String(err.orderId), payment_deadline: err.deadline.toISOString() },
        },
      },
    ]);
  if (err instanceof IdempotencyKeyReusedError)
    return statusError(grpc.status.INVALID_ARGUMENT, `idempotency_key: ${err.message}`, [
      {
        kind: 'BadRequest',
        value: { fieldViolations: [{ field: 'idempotency_key', description: err.message, reason: '', localizedMessage: undefined }] },
      },
    ]);
  return undefined;
}
