import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { readStatusDetails, statusError } from './statusError';
import { InvalidArgumentError, invalidArgumentStatus, RequestChecks } from './invalidArgument';

describe('status details', () => {
  it('round-trips ErrorInfo and PreconditionFailure through grpc-status-details-bin', () => {
    const err = statusError(grpc.status.FAILED_PRECONDITION, 'short', [
      { kind: 'ErrorInfo', value: { reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1', metadata: { order_id: '7' } } },
      {
        kind: 'PreconditionFailure',
        value: { violations: [{ type: 'STOCK', subject: 'sku:1', description: 'requested 2, available 1' }] },
      },
    ]);
    const details = readStatusDetails(err);
    expect(details).toEqual([
      { kind: 'ErrorInfo', value: { reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1', metadata: { order_id: '7' } } },
      {
        kind: 'PreconditionFailure',
        value: { violations: [{ type: 'STOCK', subject: 'sku:1', description: 'requested 2, available 1' }] },
      },
    ]);
  });

  it('collects every violated field and names each in BadRequest', () => {
    const checks = new RequestChecks().positive('user_id', 0).between('items[1].count', 0, 1, 10000);
    let thrown: unknown;
    try {
      checks.throwIfAny();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    const status = invalidArgumentStatus(thrown as InvalidArgumentError);
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.message).toContain('items[1].count');
    const [badRequest] = readStatusDetails(status);
    expect(badRequest?.kind).toBe('BadRequest');
    expect(badRequest?.kind === 'BadRequest' && badRequest.value.fieldViolations.map((v) => v.field)).toEqual([
      'user_id',
      'items[1].count',
    ]);
  });
});
