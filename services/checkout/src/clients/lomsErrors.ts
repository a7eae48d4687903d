// What LOMS' answers to a failed CreateOrder mean to Checkout (docs/api.md, loms.v1 CreateOrder): a refusal for
// lack of stock, a reused idempotency key, or LOMS failing. A refusal Checkout cannot read, or one that only a
// request Checkout never sends could cause, is a fault (INTERNAL), not the caller's error.
import * as grpc from '@grpc/grpc-js';
import { readStatusDetails, type Detail } from '@shop/platform';
import { DependencyContractError, IdempotencyKeyReusedError, OrderRejectedError, type StockShortage } from '../domain/errors';
import { dependencyError, isServiceError } from './dependencyError';

export function createOrderError(err: unknown): Error {
  if (!isServiceError(err)) return dependencyError('loms', err);
  if (err.code === grpc.status.FAILED_PRECONDITION) return stockRefusal(err) ?? unexpected(err);
  if (err.code === grpc.status.INVALID_ARGUMENT) return isKeyReused(err) ? new IdempotencyKeyReusedError() : unexpected(err);
  return dependencyError('loms', err);
}

function stockRefusal(err: grpc.ServiceError): OrderRejectedError | undefined {
  const details = detailsOf(err);
  const info = details.find((d) => d.kind === 'ErrorInfo')?.value;
  if (info?.reason !== 'INSUFFICIENT_STOCK' || info.domain !== 'loms.v1') return undefined;
  const orderId = wholeNumber(info.metadata.order_id);
  const shortagesTotal = wholeNumber(info.metadata.violations_total);
  const violations = details.find((d) => d.kind === 'PreconditionFailure')?.value.violations ?? [];
  const shortages = violations.map(stockShortage);
  if (orderId === undefined || shortagesTotal === undefined || shortagesTotal < shortages.length) return undefined;
  if (!shortages.every((s): s is StockShortage => s !== undefined)) return undefined;
  return new OrderRejectedError(err.details, orderId, shortages, shortagesTotal);
}

/** LOMS names `idempotency_key`, and nothing else, when the key was used for other items. */
function isKeyReused(err: grpc.ServiceError): boolean {
  const fields = detailsOf(err).flatMap((d) => (d.kind === 'BadRequest' ? d.value.fieldViolations.map((v) => v.field) : []));
  return fields.length === 1 && fields[0] === 'idempotency_key';
}

function unexpected(err: grpc.ServiceError): DependencyContractError {
  return new DependencyContractError('loms', `CreateOrder: ${grpc.status[err.code]}: ${err.details}`);
}

function detailsOf(err: grpc.ServiceError): Detail[] {
  try {
    return readStatusDetails(err);
  } catch {
    return []; // unreadable details read as none
  }
}

/** `{type: "STOCK", subject: "sku:<n>", description: "requested <r>, available <a>"}` */
function stockShortage(violation: { type: string; subject: string; description: string }): StockShortage | undefined {
  const sku = /^sku:(\d+)$/.exec(violation.subject);
  const counts = /^requested (\d+), available (\d+)$/.exec(violation.description);
  if (violation.type !== 'STOCK' || !sku || !counts) return undefined;
  const [skuNumber, requested, available] = [wholeNumber(sku[1]), wholeNumber(counts[1]), wholeNumber(counts[2])];
  if (skuNumber === undefined || requested === undefined || available === undefined) return undefined;
  return { sku: skuNumber, requested, available };
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
