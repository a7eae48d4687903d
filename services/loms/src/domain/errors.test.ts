import { describe, expect, it } from 'vitest';
import { InsufficientStockError } from './errors';

const shortages = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: i + 1, requested: 2, available: 0 }));

describe('InsufficientStockError', () => {
  it('names every short SKU while there are at most three', () => {
    expect(new InsufficientStockError(7, shortages(3)).message).toBe('not enough stock for order 7: sku 1, sku 2, sku 3');
  });

  it('names three and counts the rest, so that its message stays short for 100', () => {
    const error = new InsufficientStockError(7, shortages(100));
    expect(error.message).toBe('not enough stock for order 7: sku 1, sku 2, sku 3 and 97 more SKUs');
    expect(error.shortages).toHaveLength(100);
  });
});
