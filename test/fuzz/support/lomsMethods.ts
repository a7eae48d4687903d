// LomsService as the fuzz sees it: each method's request shape, hostile values for its fields, the codes
// docs/api.md documents for it (called with the `admin` certificate) and its input bounds.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { loms } from '@shop/proto';
import { anyCallCodes, type FuzzedMethod } from './contract';
import { hostileCount, hostileText, hostileUint32, nonUtf8Bytes, safeInt64 } from './hostileValues';
import { schemas, type MessageValue } from './requestSchema';
import { userPageMethod } from './userPageMethod';

const { FAILED_PRECONDITION, NOT_FOUND } = grpc.status;
const service = '/loms.v1.LomsService/';

export const item = (): fc.Arbitrary<MessageValue> => fc.record({ sku: hostileUint32(), count: hostileCount() });

/**
 * Lists of 100 to 10,000 items: one SKU over and over, distinct SKUs (in stock, all short, count 0), and
 * duplicates that overflow only when merged.
 */
const bulkItems = (): fc.Arbitrary<MessageValue[]> =>
  fc
    .tuple(
      fc.constantFrom(100, 101, 1000, 10_000),
      fc.constantFrom('one sku', 'distinct skus', 'distinct, all short', 'distinct, count 0', 'merged overflow'),
    )
    .map(([n, shape]) =>
      Array.from({ length: n }, (_, i): MessageValue => {
        if (shape === 'one sku') return { sku: 1001n, count: 1n };
        if (shape === 'distinct skus') return { sku: BigInt(1001 + i), count: 1n };
        if (shape === 'distinct, all short') return { sku: BigInt(1001 + i), count: 10_000n };
        if (shape === 'distinct, count 0') return { sku: BigInt(1001 + i), count: 0n };
        return { sku: 1002n, count: 10_000n };
      }),
    );

/** A few SKUs again and again, so that merging adds counts up (9,999 + 2 overflows only once merged). */
const duplicateSkus = (): fc.Arbitrary<MessageValue[]> =>
  fc.array(fc.record({ sku: fc.constantFrom(1001n, 1002n, 0n), count: hostileCount() }), { minLength: 2, maxLength: 8 });

export const orderItems = (): fc.Arbitrary<MessageValue[]> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.array(item(), { maxLength: 5 }) },
    { weight: 3, arbitrary: duplicateSkus() },
    { weight: 1, arbitrary: bulkItems() },
  );

export const idempotencyKey = (): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof({ weight: 4, arbitrary: hostileText() }, { weight: 1, arbitrary: nonUtf8Bytes() });

const orderIdMethod = (name: string, decode: (b: Uint8Array) => unknown, allowed: grpc.status[]): FuzzedMethod => ({
  path: service + name,
  schema: schemas.orderId,
  decode,
  allowed: [...anyCallCodes, ...allowed],
  request: fc.record({ order_id: safeInt64() }),
  bounds: { order_id: { kind: 'positive' } },
});

export const lomsMethods = (): FuzzedMethod[] => [
  {
    path: service + 'CreateOrder',
    schema: schemas.lomsCreateOrder,
    decode: (b) => loms.CreateOrderRequest.decode(b),
    allowed: [...anyCallCodes, FAILED_PRECONDITION],
    request: fc.record({ user_id: safeInt64(), items: orderItems(), idempotency_key: idempotencyKey() }),
    bounds: {
      user_id: { kind: 'positive' },
      items: { kind: 'orderItems', maxCount: 10_000, maxDistinctSkus: 100 },
      idempotency_key: { kind: 'text', max: 128 },
    },
  },
  orderIdMethod('GetOrder', (b) => loms.GetOrderRequest.decode(b), [NOT_FOUND]),
  userPageMethod(service + 'ListOrders', (b) => loms.ListOrdersRequest.decode(b)),
  orderIdMethod('OrderPayed', (b) => loms.OrderPayedRequest.decode(b), [NOT_FOUND, FAILED_PRECONDITION]),
  orderIdMethod('CancelOrder', (b) => loms.CancelOrderRequest.decode(b), [NOT_FOUND, FAILED_PRECONDITION]),
  {
    path: service + 'Stocks',
    schema: schemas.sku,
    decode: (b) => loms.StocksRequest.decode(b),
    allowed: anyCallCodes,
    request: fc.record({ sku: hostileUint32() }),
    bounds: { sku: { kind: 'positive' } },
  },
];
