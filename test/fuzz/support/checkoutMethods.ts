// CheckoutService as the fuzz sees it: each method's request shape, hostile values for its fields, the codes
// docs/api.md documents for it (called with an admin shopper token) and its input bounds.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { checkout } from '@shop/proto';
import { anyCallCodes, type Bounds, type FuzzedMethod } from './contract';
import { hostileCount, hostileText, hostileUint32, nonUtf8Bytes, safeInt64 } from './hostileValues';
import { schemas } from './requestSchema';

const { FAILED_PRECONDITION, NOT_FOUND } = grpc.status;
const service = '/checkout.v1.CheckoutService/';

const cartChangeBounds: Bounds = {
  user_id: { kind: 'positive' },
  sku: { kind: 'positive' },
  count: { kind: 'between', min: 1, max: 10_000 },
};
const cartChange = () => fc.record({ user_id: safeInt64(), sku: hostileUint32(), count: hostileCount() });
const userOnly = () => fc.record({ user_id: safeInt64() });

export const checkoutMethods = (): FuzzedMethod[] => [
  {
    path: service + 'AddToCart',
    schema: schemas.cartChange,
    decode: (b) => checkout.AddToCartRequest.decode(b),
    allowed: [...anyCallCodes, NOT_FOUND, FAILED_PRECONDITION],
    request: cartChange(),
    bounds: cartChangeBounds,
  },
  {
    path: service + 'DeleteFromCart',
    schema: schemas.cartChange,
    decode: (b) => checkout.DeleteFromCartRequest.decode(b),
    allowed: anyCallCodes,
    request: cartChange(),
    bounds: cartChangeBounds,
  },
  {
    path: service + 'ListCart',
    schema: schemas.userOnly,
    decode: (b) => checkout.ListCartRequest.decode(b),
    allowed: [...anyCallCodes, NOT_FOUND],
    request: userOnly(),
    bounds: { user_id: { kind: 'positive' } },
  },
  {
    path: service + 'ClearCart',
    schema: schemas.userOnly,
    decode: (b) => checkout.ClearCartRequest.decode(b),
    allowed: anyCallCodes,
    request: userOnly(),
    bounds: { user_id: { kind: 'positive' } },
  },
  {
    path: service + 'Purchase',
    schema: schemas.purchase,
    decode: (b) => checkout.PurchaseRequest.decode(b),
    allowed: [...anyCallCodes, FAILED_PRECONDITION],
    request: fc.record({
      user_id: safeInt64(),
      idempotency_key: fc.oneof({ weight: 4, arbitrary: hostileText() }, { weight: 1, arbitrary: nonUtf8Bytes() }),
    }),
    bounds: { user_id: { kind: 'positive' }, idempotency_key: { kind: 'text', max: 128 } },
  },
];
