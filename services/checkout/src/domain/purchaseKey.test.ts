import { describe, expect, it } from 'vitest';
import { derivePurchaseKey } from './purchaseKey';

describe('derivePurchaseKey', () => {
  it('gives the same key for the same cart whatever the order of its items', () => {
    expect(
      derivePurchaseKey(7, 0, [
        { sku: 2, count: 1 },
        { sku: 1, count: 3 },
      ]),
    ).toBe(
      derivePurchaseKey(7, 0, [
        { sku: 1, count: 3 },
        { sku: 2, count: 1 },
      ]),
    );
  });

  it('gives a different key when the user, the cart generation or the contents differ', () => {
    const base = derivePurchaseKey(7, 0, [{ sku: 1, count: 3 }]);
    expect(derivePurchaseKey(8, 0, [{ sku: 1, count: 3 }])).not.toBe(base);
    expect(derivePurchaseKey(7, 1, [{ sku: 1, count: 3 }])).not.toBe(base);
    expect(derivePurchaseKey(7, 0, [{ sku: 1, count: 4 }])).not.toBe(base);
  });

  it('fits the 128-character bound of idempotency keys', () => {
    expect(derivePurchaseKey(Number.MAX_SAFE_INTEGER, 99, [{ sku: 1, count: 1 }]).length).toBeLessThanOrEqual(128);
  });
});
