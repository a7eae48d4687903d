import { beforeEach, describe, expect, it } from 'vitest';
import { FakeCatalogue, FakeLoms, InMemoryCarts, fakeDb } from '../../test/fakes/inMemoryCheckout';
import { CartFullError, CartItemLimitError, InsufficientStockError, ProductNotFoundError } from '../domain/errors';
import { addToCart, type AddToCartDeps } from './addToCart';

let deps: AddToCartDeps & { carts: InMemoryCarts; loms: FakeLoms };
beforeEach(() => {
  deps = {
    db: fakeDb,
    carts: new InMemoryCarts(),
    products: new FakeCatalogue(Array.from({ length: 120 }, (_, i) => ({ sku: i + 1, name: `p${i + 1}`, priceMinorUnits: 100 }))),
    loms: new FakeLoms(),
  };
  for (let sku = 1; sku <= 120; sku++) deps.loms.stock.set(sku, 20_000);
});

describe('addToCart', () => {
  it('adds units to the line already in the cart', async () => {
    await addToCart(deps, { userId: 1, sku: 5, count: 2 });
    await addToCart(deps, { userId: 1, sku: 5, count: 3 });
    expect((await deps.carts.shape(fakeDb.pool, 1, 5)).unitsOfSku).toBe(5);
  });

  it('refuses a product the catalogue does not know', async () => {
    await expect(addToCart(deps, { userId: 1, sku: 999, count: 1 })).rejects.toBeInstanceOf(ProductNotFoundError);
  });

  it('refuses when LOMS has fewer units available than the cart would then hold', async () => {
    deps.loms.stock.set(5, 4);
    await addToCart(deps, { userId: 1, sku: 5, count: 3 });
    const err = await addToCart(deps, { userId: 1, sku: 5, count: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientStockError);
    expect(err).toMatchObject({ sku: 5, requested: 5, available: 4 });
    expect((await deps.carts.shape(fakeDb.pool, 1, 5)).unitsOfSku).toBe(3);
  });

  it('refuses to let one line pass 10000 units', async () => {
    await addToCart(deps, { userId: 1, sku: 5, count: 10_000 });
    await expect(addToCart(deps, { userId: 1, sku: 5, count: 1 })).rejects.toBeInstanceOf(CartItemLimitError);
  });

  it('refuses a 101st distinct SKU but still adds units to a SKU already there', async () => {
    for (let sku = 1; sku <= 100; sku++) await addToCart(deps, { userId: 1, sku, count: 1 });
    await expect(addToCart(deps, { userId: 1, sku: 101, count: 1 })).rejects.toBeInstanceOf(CartFullError);
    await addToCart(deps, { userId: 1, sku: 100, count: 1 });
    expect((await deps.carts.shape(fakeDb.pool, 1, 100)).unitsOfSku).toBe(2);
  });
});
