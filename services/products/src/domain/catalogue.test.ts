import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalogue, ProductNotFoundError } from './catalogue';

const catalogue = new Catalogue([
  { sku: 30, name: 'c', priceMinorUnits: 3 },
  { sku: 10, name: 'a', priceMinorUnits: 1 },
  { sku: 20, name: 'b', priceMinorUnits: 2 },
]);

describe('Catalogue', () => {
  it('finds a product by its SKU', () => {
    expect(catalogue.get(20)).toEqual({ sku: 20, name: 'b', priceMinorUnits: 2 });
  });

  it('refuses an unknown SKU with a not-found error', () => {
    expect(() => catalogue.get(11)).toThrow(ProductNotFoundError);
  });

  it('lists SKUs after the given one in ascending order, at most count of them', () => {
    expect(catalogue.listSkus(0, 2)).toEqual([10, 20]);
    expect(catalogue.listSkus(10, 10)).toEqual([20, 30]);
    expect(catalogue.listSkus(15, 1)).toEqual([20]);
    expect(catalogue.listSkus(30, 5)).toEqual([]);
  });

  it('pages through every SKU exactly once whatever the page size', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 10_000 })), fc.integer({ min: 1, max: 7 }), (skus, pageSize) => {
        const c = new Catalogue(skus.map((sku) => ({ sku, name: String(sku), priceMinorUnits: 1 })));
        const seen: number[] = [];
        let after = 0;
        for (;;) {
          const page = c.listSkus(after, pageSize);
          if (page.length === 0) break;
          seen.push(...page);
          after = page[page.length - 1] ?? after;
        }
        expect(seen).toEqual([...skus].sort((a, b) => a - b));
      }),
    );
  });
});
