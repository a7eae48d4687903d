import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notifiedStatuses } from './notification';
import { InvalidStatusChangeError, notificationOf, validateStatusChange, type StatusChangeCandidate } from './statusChange';

const valid: StatusChangeCandidate = {
  eventId: '6F1C2B8E-4D0A-4C3B-9E77-1A2B3C4D5E6F',
  orderId: 42,
  userId: 7,
  status: 'PAYED',
  occurredAt: new Date('2025-01-02T03:04:05Z'),
  version: 3,
  traceparent: '00-abc-def-01',
};

function reasonsOf(candidate: StatusChangeCandidate): string[] {
  try {
    validateStatusChange(candidate);
  } catch (err) {
    if (err instanceof InvalidStatusChangeError) return err.reasons;
    throw err;
  }
  return [];
}

describe('validateStatusChange', () => {
  it('accepts a well-formed event and lower-cases its id', () => {
    expect(validateStatusChange(valid)).toEqual({ ...valid, eventId: valid.eventId.toLowerCase() });
  });

  it('names every field that breaks the contract, as the proto names it', () => {
    expect(reasonsOf({ eventId: 'x', orderId: 0, userId: -1, status: 'NEW', occurredAt: undefined, version: -1 })).toEqual([
      'event_id: must be a UUID',
      'order_id: must be an integer greater than 0',
      'user_id: must be an integer greater than 0',
      'status: must be one of AWAITING_PAYMENT, FAILED, PAYED, CANCELLED (got NEW)',
      'occurred_at: must be a timestamp',
      'version: must be an integer from 0 to 4294967295',
    ]);
  });

  it('refuses a timestamp outside what google.protobuf.Timestamp can carry, and versions that are not uint32', () => {
    expect(reasonsOf({ ...valid, occurredAt: new Date('-010000-01-01T00:00:00Z'), version: 2 ** 32 })).toEqual([
      'occurred_at: must be from 0001-01-01 to 9999-12-31',
      'version: must be an integer from 0 to 4294967295',
    ]);
    expect(reasonsOf({ ...valid, occurredAt: new Date('+010000-01-01T00:00:00Z'), version: 1.5 })).toHaveLength(2);
    expect(reasonsOf({ ...valid, occurredAt: new Date('0001-01-01T00:00:00Z'), version: 0 })).toEqual([]);
  });

  it('refuses ids that are not whole numbers and timestamps that do not parse', () => {
    expect(reasonsOf({ ...valid, orderId: Number.NaN, userId: 1.5, occurredAt: new Date('soon') })).toEqual([
      'order_id: must be an integer greater than 0',
      'user_id: must be an integer greater than 0',
      'occurred_at: must be a timestamp',
    ]);
  });

  it('accepts any positive ids with any of the four emitted statuses', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 1 }),
        fc.integer({ min: 1 }),
        fc.constantFrom(...notifiedStatuses),
        (eventId, orderId, userId, status) => {
          expect(validateStatusChange({ ...valid, eventId, orderId, userId, status }).status).toBe(status);
        },
      ),
    );
  });
});

describe('notificationOf', () => {
  it('is recorded now, undelivered, with the message for its status', () => {
    const now = new Date('2025-02-01T00:00:00Z');
    expect(notificationOf(validateStatusChange(valid), now)).toMatchObject({
      message: 'Order 42 is paid',
      createdAt: now,
      deliveredAt: null,
      userId: 7,
    });
  });
});
