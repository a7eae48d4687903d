// AddToCart: the product must exist, LOMS must have the units the cart would then hold, and the cart
// must stay within its bounds (domain/cart).
import { maxDistinctSkus, maxItemCount, refusalToAdd } from '../domain/cart';
import { CartFullError, CartItemLimitError, InsufficientStockError } from '../domain/errors';
import type { AddedUnits, CartStore, Db, Loms, ProductCatalogue } from './ports';

export interface AddToCartDeps {
  db: Db;
  carts: CartStore;
  products: ProductCatalogue;
  loms: Loms;
}

export async function addToCart(deps: AddToCartDeps, input: { userId: number; sku: number; count: number }): Promise<void> {
  const { userId, sku, count } = input;
  await deps.products.getProduct(sku);
  // Read without a lock, to refuse before asking LOMS; the add below enforces the same rule.
  const unitsOfSku = await deps.carts.countOf(deps.db.pool, userId, sku);
  const distinctSkus = unitsOfSku === 0 ? await deps.carts.distinctSkus(deps.db.pool, userId) : 0;
  const early = refusalToAdd({ unitsOfSku, distinctSkus }, count);
  if (early) throw refusalError({ refusal: early, unitsOfSku }, sku, count);
  const wanted = unitsOfSku + count;
  const available = await deps.loms.availableStock(sku);
  if (available < wanted) throw new InsufficientStockError(sku, wanted, available);
  // The stock check is advisory (stock moves on); the cart's bounds are not: concurrent adds to one
  // cart take its lock, so each one's conditional add sees what the others added.
  const added = await deps.db.inTransaction(async (tx) => {
    await deps.carts.lock(tx, userId);
    return deps.carts.addUnits(tx, userId, sku, count);
  });
  if (added.refusal) throw refusalError(added, sku, count);
}

function refusalError(refused: Extract<AddedUnits, { refusal: string }>, sku: number, count: number): Error {
  return refused.refusal === 'LINE_FULL'
    ? new CartItemLimitError(sku, refused.unitsOfSku + count, maxItemCount)
    : new CartFullError(maxDistinctSkus);
}
