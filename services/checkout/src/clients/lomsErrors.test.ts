// LOMS' statuses (made by LOMS' own error mapping) → Checkout's errors → the status Checkout's caller gets.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, InvalidArgumentError, invalidArgumentStatus, readStatusDetails, statusError, toStatusError } from '@shop/platform';
import {
  IdempotencyKeyReusedError as LomsKeyReusedError,
  InsufficientStockError as LomsInsufficientStockError,
  OrderStatusConflictError,
  PaymentDeadlinePassedError,
} from '../../../loms/src/domain/errors';
import { toGrpcError as lomsStatus } from '../../../loms/src/transport/grpc/toGrpcError';
import { DependencyContractError, IdempotencyKeyReusedError, OrderRejectedError } from '../domain/errors';
import { toGrpcError } from '../transport/grpc/toGrpcError';
import { createOrderError } from './lomsErrors';

const logger = createLogger('lomsErrors.test', 'silent');
/** What Checkout's caller gets for LOMS answering CreateOrder with `status`. */
const checkoutStatus = (status: unknown) =>
  toStatusError(createOrderError(status), 'checkout.v1.CheckoutService/Purchase', toGrpcError, logger);

const shortage = fc.record({
  sku: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  requested: fc.integer({ min: 1, max: 10_000 }),
  available: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});
const shortages = fc.uniqueArray(shortage, { minLength: 1, maxLength: 100, selector: (s) => s.sku });
const orderId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

describe('LOMS refusing CreateOrder for lack of stock', () => {
  it('reaches the caller as LOMS answered it: code, message, ErrorInfo and PreconditionFailure, for any shortages', () => {
    fc.assert(
      fc.property(orderId, shortages, (id, short) => {
        const fromLoms = lomsStatus(new LomsInsufficientStockError(id, short))!;
        const refused = createOrderError(fromLoms);
        expect(refused).toBeInstanceOf(OrderRejectedError);
        expect(refused).toMatchObject({ orderId: id, shortagesTotal: short.length });
        const answered = checkoutStatus(fromLoms);
        expect(answered.code).toBe(grpc.status.FAILED_PRECONDITION);
        expect(answered.details).toBe(fromLoms.details);
        expect(readStatusDetails(answered)).toEqual(readStatusDetails(fromLoms));
      }),
    );
  });

  it('carries plain values into the domain, no transport object', () => {
    const refused = createOrderError(lomsStatus(new LomsInsufficientStockError(7, [{ sku: 5, requested: 3, available: 1 }])));
    expect({ ...refused }).toEqual({
      code: 'ORDER_REJECTED',
      name: 'OrderRejectedError',
      orderId: 7,
      shortages: [{ sku: 5, requested: 3, available: 1 }],
      shortagesTotal: 1,
    });
  });
});

describe('LOMS answering INVALID_ARGUMENT', () => {
  it('is a reused idempotency key when LOMS says so, reported on idempotency_key', () => {
    const fromLoms = lomsStatus(new LomsKeyReusedError())!;
    expect(createOrderError(fromLoms)).toBeInstanceOf(IdempotencyKeyReusedError);
    const answered = checkoutStatus(fromLoms);
    expect(answered.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(readStatusDetails(answered)).toEqual([
      { kind: 'BadRequest', value: { fieldViolations: [expect.objectContaining({ field: 'idempotency_key' })] } },
    ]);
  });

  it('about anything else is INTERNAL: Checkout sent a request LOMS refused, which is no fault of the caller', () => {
    const field = fc.oneof(fc.constantFrom('user_id', 'items', 'items[0].count', 'items[3].sku', 'idempotency_key'), fc.string());
    const otherFields = fc.array(field, { minLength: 1, maxLength: 5 }).filter((f) => !(f.length === 1 && f[0] === 'idempotency_key'));
    fc.assert(
      fc.property(otherFields, (fields) => {
        const fromLoms = invalidArgumentStatus(new InvalidArgumentError(fields.map((f) => ({ field: f, description: 'is wrong' }))));
        expect(createOrderError(fromLoms)).toBeInstanceOf(DependencyContractError);
        expect(checkoutStatus(fromLoms).code).toBe(grpc.status.INTERNAL);
      }),
    );
    expect(checkoutStatus(statusError(grpc.status.INVALID_ARGUMENT, 'no details')).code).toBe(grpc.status.INTERNAL);
  });
});

describe('LOMS answering FAILED_PRECONDITION that is not a stock refusal', () => {
  const withStock = (
    violation: { type: string; subject: string; description: string },
    metadata = { order_id: '7', violations_total: '1' },
  ) =>
    statusError(grpc.status.FAILED_PRECONDITION, 'short', [
      { kind: 'ErrorInfo', value: { reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1', metadata } },
      { kind: 'PreconditionFailure', value: { violations: [violation] } },
    ]);
  const garbled = () => {
    const err = statusError(grpc.status.FAILED_PRECONDITION, 'garbled');
    err.metadata.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff]));
    return err;
  };

  it.each([
    ['an order status conflict', lomsStatus(new OrderStatusConflictError(7, 'PAYED', 'CANCELLED'))],
    ['a passed payment deadline', lomsStatus(new PaymentDeadlinePassedError(7, new Date(0)))],
    ['no details', statusError(grpc.status.FAILED_PRECONDITION, 'bare')],
    ['details that do not decode', garbled()],
    ['a violation of another type', withStock({ type: 'STATUS', subject: 'sku:1', description: 'requested 2, available 1' })],
    ['a subject that is not a SKU', withStock({ type: 'STOCK', subject: 'order:1', description: 'requested 2, available 1' })],
    ['counts that do not read', withStock({ type: 'STOCK', subject: 'sku:1', description: 'requested two' })],
    [
      'no order id',
      withStock({ type: 'STOCK', subject: 'sku:1', description: 'requested 2, available 1' }, { order_id: '', violations_total: '1' }),
    ],
    [
      'fewer short SKUs in all than listed',
      withStock({ type: 'STOCK', subject: 'sku:1', description: 'requested 2, available 1' }, { order_id: '7', violations_total: '0' }),
    ],
  ])('with %s is INTERNAL, not passed on', (_, fromLoms) => {
    expect(createOrderError(fromLoms)).toBeInstanceOf(DependencyContractError);
    expect(checkoutStatus(fromLoms).code).toBe(grpc.status.INTERNAL);
  });
});

describe('LOMS failing', () => {
  it.each([
    ['UNAVAILABLE', 'UNAVAILABLE'],
    ['DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED'],
    ['INTERNAL', 'UNAVAILABLE'],
    ['PERMISSION_DENIED', 'UNAVAILABLE'],
  ] as const)('with %s answers %s, as before', (fromLoms, answered) => {
    expect(grpc.status[checkoutStatus(statusError(grpc.status[fromLoms], 'down')).code]).toBe(answered);
  });
});
