import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartTotalMinorUnits, maxDistinctSkus, maxItemCount, refusalToAdd, sortedBySku } from './cart';

describe('cart rules', () => {
  it('totals the unit price times the count of every item', () => {
    expect(
      cartTotalMinorUnits([
        { sku: 1, count: 2, name: 'a', priceMinorUnits: 150 },
        { sku: 2, count: 3, name: 'b', priceMinorUnits: 1000 },
      ]),
    ).toBe(3300);
    expect(cartTotalMinorUnits([])).toBe(0);
  });

  it('the total does not depend on the order of the items', () => {
    const item = fc.record({
      sku: fc.nat(),
      count: fc.integer({ min: 1, max: 10_000 }),
      name: fc.string(),
      priceMinorUnits: fc.nat({ max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 100 }), (items) => {
        expect(cartTotalMinorUnits([...items].reverse())).toBe(cartTotalMinorUnits(items));
      }),
    );
  });

  it('orders items by SKU without changing the given list', () => {
    const items = [
      { sku: 3, count: 1 },
      { sku: 1, count: 1 },
    ];
    expect(sortedBySku(items).map((i) => i.sku)).toEqual([1, 3]);
    expect(items[0]?.sku).toBe(3);
  });

  it('refuses units that pass 10000 of one SKU, and a new SKU in a cart of 100, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: maxItemCount }),
        fc.nat({ max: maxDistinctSkus }),
        fc.integer({ min: 1, max: maxItemCount }),
        (units, skus, count) => {
          const refusal = refusalToAdd({ unitsOfSku: units, distinctSkus: skus }, count);
          if (units + count > maxItemCount) expect(refusal).toBe('LINE_FULL');
          else if (units === 0 && skus >= maxDistinctSkus) expect(refusal).toBe('CART_FULL');
          else expect(refusal).toBeUndefined();
        },
      ),
    );
    expect(refusalToAdd({ unitsOfSku: 0, distinctSkus: 99 }, 1)).toBeUndefined();
    expect(refusalToAdd({ unitsOfSku: 0, distinctSkus: 100 }, 1)).toBe('CART_FULL');
    expect(refusalToAdd({ unitsOfSku: 3, distinctSkus: 100 }, 1)).toBeUndefined();
  });
});
