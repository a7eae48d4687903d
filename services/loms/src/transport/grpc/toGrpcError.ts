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
import { StockBelowReservedError, StockChangedError, StockTotalTooLargeError, WarehouseNotFoundError } from '../../domain/inventoryErrors';

const domain = 'loms.v1';
/**
 * Violations listed in one refusal: with all 100 SKUs of an order short, the details would pass the 8 KiB of
 * metadata gRPC C-core clients accept (docs/api.md, "Size of error details"). GetOrder has every shortage.
 */
export const maxStockViolations = 20;

export function toGrpcError(err: unknown): StatusError | undefined {
  if (err instanceof OrderNotFoundError || err instanceof WarehouseNotFoundError) return statusError(grpc.status.NOT_FOUND, err.message);
  if (err instanceof StockChangedError)
    return statusError(grpc.status.ABORTED, err.message, [
      { kind: 'ErrorInfo', value: { reason: 'STOCK_CHANGED', domain, metadata: { current_total: String(err.currentTotal) } } },
    ]);
  if (err instanceof StockBelowReservedError)
    return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
      { kind: 'ErrorInfo', value: { reason: 'STOCK_BELOW_RESERVED', domain, metadata: { reserved: String(err.reserved) } } },
    ]);
  if (err instanceof InsufficientStockError) {
    const listed = [...err.shortages].sort((a, b) => a.sku - b.sku).slice(0, maxStockViolations);
    return statusError(grpc.status.FAILED_PRECONDITION, err.message, [
      {
        kind: 'ErrorInfo',
        value: {
          reason: 'INSUFFICIENT_STOCK',
          domain,
          metadata: { order_id: String(err.orderId), violations_total: String(err.shortages.length) },
        },
      },
      {
        kind: 'PreconditionFailure',
        value: {
          violations: listed.map((s) => ({
            type: 'STOCK',
            subject: `sku:${s.sku}`,
            description: `requested ${s.requested}, available ${s.available}`,
          })),
        },
      },
    ]);
  }
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
  if (err instanceof StockTotalTooLargeError)
    return statusError(grpc.status.INVALID_ARGUMENT, `items: ${err.message}`, [
      {
        kind: 'BadRequest',
        value: { fieldViolations: [{ field: 'items', description: err.message, reason: '', localizedMessage: undefined }] },
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
