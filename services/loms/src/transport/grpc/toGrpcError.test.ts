import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { readStatusDetails } from '@shop/platform';
import { InsufficientStockError } from '../../domain/errors';
import { maxStockViolations, toGrpcError } from './toGrpcError';

describe('toGrpcError of InsufficientStockError', () => {
  it('lists the smallest short SKUs up to the bound and counts all of them, in whatever order they came', () => {
    const shortages = Array.from({ length: 100 }, (_, i) => ({ sku: 1000 - i * 7, requested: 5, available: i % 3 }));
    const status = toGrpcError(new InsufficientStockError(42, shortages));
    expect(status?.code).toBe(grpc.status.FAILED_PRECONDITION);
    const details = status ? readStatusDetails(status) : [];
    expect(details[0]).toEqual({
      kind: 'ErrorInfo',
      value: { reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1', metadata: { order_id: '42', violations_total: '100' } },
    });
    const smallest = [...shortages].sort((a, b) => a.sku - b.sku).slice(0, maxStockViolations);
    expect(details[1]?.kind === 'PreconditionFailure' && details[1].value.violations).toEqual(
      smallest.map((s) => ({ type: 'STOCK', subject: `sku:${s.sku}`, description: `requested 5, available ${s.available}` })),
    );
  });
});
