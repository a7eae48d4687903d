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
  // The product, the cart and LOMS' stock are asked at once; their answers are judged in that order.
  const [product, shape, stock] = await Promise.allSettled([
    deps.products.getProduct(sku),
    deps.carts.shape(deps.db.pool, userId, sku),
    deps.loms.availableStock(sku),
  ]);
  if (product.status === 'rejected') throw product.reason;
  if (shape.status === 'rejected') throw shape.reason;
  const { unitsOfSku } = shape.value;
  const early = refusalToAdd(shape.value, count);
  if (early) throw refusalError({ refusal: early, unitsOfSku }, sku, count);
  if (stock.status === 'rejected') throw stock.reason;
  const wanted = unitsOfSku + count;
  if (stock.value < wanted) throw new InsufficientStockError(sku, wanted, stock.value);
  // The stock check is advisory (stock moves on); the cart's bounds are not: each add decides holding the
  // cart's lock, so concurrent adds to one cart see what the others added.
  const added = await deps.carts.addUnits(deps.db.pool, userId, sku, count);
  if (added.refusal) throw refusalError(added, sku, count);
}

function refusalError(refused: Extract<AddedUnits, { refusal: string }>, sku: number, count: number): Error {
  return refused.refusal === 'LINE_FULL'
    ? new CartItemLimitError(sku, refused.unitsOfSku + count, maxItemCount)
    : new CartFullError(maxDistinctSkus);
}
