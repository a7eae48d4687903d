// The local ProductService as the fuzz sees it: each method's request shape, hostile values for its fields,
// the codes docs/api.md documents for it and its input bounds. It has no database: no DEADLINE_EXCEEDED.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { product } from '@shop/proto';
import type { FuzzedMethod } from './contract';
import { hostileUint32 } from './hostileValues';
import { schemas } from './requestSchema';

const { OK, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE } = grpc.status;
const service = '/product.v1.ProductService/';

/** ListSkus.count: 0 to 1,000, so its edges rather than the cart's. */
const listCount = () =>
  fc.oneof(fc.constantFrom(0n, 1n, 999n, 1000n, 1001n, 2n ** 32n - 1n, 2n ** 32n + 5n), fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }));

export const productMethods = (): FuzzedMethod[] => [
  {
    path: service + 'GetProduct',
    schema: schemas.sku,
    decode: (b) => product.GetProductRequest.decode(b),
    allowed: [OK, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE],
    request: fc.record({ sku: hostileUint32() }),
    bounds: { sku: { kind: 'positive' } },
  },
  {
    path: service + 'ListSkus',
    schema: schemas.listSkus,
    decode: (b) => product.ListSkusRequest.decode(b),
    allowed: [OK, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE],
    request: fc.record({ start_after_sku: hostileUint32(), count: listCount() }),
    bounds: { count: { kind: 'between', min: 0, max: 1000 } },
  },
];
