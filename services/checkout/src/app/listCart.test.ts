import { describe, expect, it } from 'vitest';
import { FakeCatalogue, InMemoryCarts, fakeDb } from '../../test/fakes/inMemoryCheckout';
import { listCart } from './listCart';

describe('listCart', () => {
  it('lists items by SKU with name and unit price and totals price times count', async () => {
    const carts = new InMemoryCarts();
    await carts.addUnits(fakeDb.pool, 1, 30, 1);
    await carts.addUnits(fakeDb.pool, 1, 10, 3);
    const products = new FakeCatalogue([
      { sku: 10, name: 'mug', priceMinorUnits: 250 },
      { sku: 30, name: 'pot', priceMinorUnits: 1000 },
    ]);
    await expect(listCart({ db: fakeDb, carts, products }, 1)).resolves.toEqual({
      items: [
        { sku: 10, count: 3, name: 'mug', priceMinorUnits: 250 },
        { sku: 30, count: 1, name: 'pot', priceMinorUnits: 1000 },
      ],
      totalMinorUnits: 1750,
    });
  });

  it('lists an empty cart without asking the catalogue', async () => {
    const products = new FakeCatalogue([]);
    await expect(listCart({ db: fakeDb, carts: new InMemoryCarts(), products }, 1)).resolves.toEqual({ items: [], totalMinorUnits: 0 });
    expect(products.calls).toBe(0);
  });
});
