import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from './deliverySchedule';
import { messageFor } from './notification';

describe('messageFor', () => {
  it('tells the user what happened to the order, in words', () => {
    expect(messageFor(42, 'AWAITING_PAYMENT')).toBe('Order 42 is reserved and awaiting payment');
    expect(messageFor(42, 'FAILED')).toBe('Order 42 could not be placed: not enough stock');
    expect(messageFor(42, 'PAYED')).toBe('Order 42 is paid');
    expect(messageFor(42, 'CANCELLED')).toBe('Order 42 is cancelled');
  });
});

describe('nextAttemptAt', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const policy = { firstDelayMs: 1_000, maxDelayMs: 10_000 };
  const delay = (failed: number) => nextAttemptAt(now, failed, policy).getTime() - now.getTime();

  it('doubles the delay after each failure and never waits longer than the cap', () => {
    expect([1, 2, 3, 4, 5, 100].map(delay)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});
