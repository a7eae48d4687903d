// AddToCart: the product must exist and LOMS must have the units the cart would then hold.
import { maxDistinctSkus, maxItemCount } from '../domain/cart';
import { CartFullError, CartItemLimitError, InsufficientStockError } from '../domain/errors';
import type { CartStore, Db, Loms, ProductCatalogue } from './ports';

export interface AddToCartDeps {
  db: Db;
  carts: CartStore;
  products: ProductCatalogue;
  loms: Loms;
}

export async function addToCart(deps: AddToCartDeps, input: { userId: number; sku: number; count: number }): Promise<void> {
  const { userId, sku, count } = input;
  await deps.products.getProduct(sku);
  const inCart = await deps.carts.countOf(deps.db.pool, userId, sku);
  const wanted = inCart + count;
  if (wanted > maxItemCount) throw new CartItemLimitError(sku, wanted, maxItemCount);
  if (inCart === 0 && (await deps.carts.distinctSkus(deps.db.pool, userId)) >= maxDistinctSkus) throw new CartFullError(maxDistinctSkus);
  const available = await deps.loms.availableStock(sku);
  if (available < wanted) throw new InsufficientStockError(sku, wanted, available);
  // The stock check is advisory (stock moves on); the bound is enforced by the upsert itself.
  const newCount = await deps.carts.addUnits(deps.db.pool, userId, sku, count, maxItemCount);
  if (newCount === undefined) throw new CartItemLimitError(sku, wanted, maxItemCount);
}
