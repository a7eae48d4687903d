import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPastDeadline, mergeItems, paymentDeadline, sameItems } from './order';
import { canTransition, orderStatuses } from './orderStatus';

describe('mergeItems', () => {
  it('merges counts of one SKU and sorts by SKU', () => {
    expect(
      mergeItems([
        { sku: 3, count: 1 },
        { sku: 1, count: 2 },
        { sku: 3, count: 4 },
      ]),
    ).toEqual([
      { sku: 1, count: 2 },
      { sku: 3, count: 5 },
    ]);
  });

  it('keeps the total count and leaves each SKU once, for any list', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ sku: fc.integer({ min: 1, max: 20 }), count: fc.integer({ min: 1, max: 100 }) })), (items) => {
        const merged = mergeItems(items);
        expect(merged.reduce((s, i) => s + i.count, 0)).toBe(items.reduce((s, i) => s + i.count, 0));
        expect(new Set(merged.map((i) => i.sku)).size).toBe(merged.length);
        expect(merged.map((i) => i.sku)).toEqual([...merged.map((i) => i.sku)].sort((a, b) => a - b));
        expect(sameItems(mergeItems([...items].reverse()), merged)).toBe(true);
      }),
    );
  });
});

describe('payment deadline', () => {
  it('is the creation time plus the timeout, and is passed at that instant', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const deadline = paymentDeadline(created, 600_000);
    expect(deadline.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(isPastDeadline({ paymentDeadline: deadline }, new Date(deadline.getTime() - 1))).toBe(false);
    expect(isPastDeadline({ paymentDeadline: deadline }, deadline)).toBe(true);
  });
});

describe('order status transitions', () => {
  it('allows only the life cycle of architecture.md', () => {
    const allowed = orderStatuses.flatMap((from) => orderStatuses.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(
      ['NEW>AWAITING_PAYMENT', 'NEW>FAILED', 'NEW>CANCELLED', 'AWAITING_PAYMENT>PAYED', 'AWAITING_PAYMENT>CANCELLED'].sort(),
    );
  });
});
