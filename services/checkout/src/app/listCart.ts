// ListCart: the cart's items by SKU with names and unit prices from the catalogue, and the total.
import { cartTotalMinorUnits, sortedBySku, type PricedCartItem } from '../domain/cart';
import type { CartStore, Db, ProductCatalogue } from './ports';

export interface ListedCart {
  items: PricedCartItem[];
  totalMinorUnits: number;
}

export async function listCart(deps: { db: Db; carts: CartStore; products: ProductCatalogue }, userId: number): Promise<ListedCart> {
  const items = sortedBySku(await deps.carts.listItems(deps.db.pool, userId));
  // The product client bounds concurrency and rate; asking for all at once lets it pipeline.
  const priced = await Promise.all(
    items.map(async (item) => {
      const product = await deps.products.getProduct(item.sku);
      return { ...item, name: product.name, priceMinorUnits: product.priceMinorUnits };
    }),
  );
  return { items: priced, totalMinorUnits: cartTotalMinorUnits(priced) };
}
