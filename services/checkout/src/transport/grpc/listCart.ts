import { assertActsForUser, type AuthenticatedCall } from '@shop/platform';
import type { checkout } from '@shop/proto';
import type { CartStore, Db, ProductCatalogue } from '../../app/ports';
import { listCart } from '../../app/listCart';
import { validateUserOnly } from './validate';

export function handleListCart(deps: { db: Db; carts: CartStore; products: ProductCatalogue }) {
  return async (request: checkout.ListCartRequest, call: AuthenticatedCall): Promise<checkout.ListCartResponse> => {
    validateUserOnly(request);
    assertActsForUser(call, request.userId);
    const cart = await listCart(deps, request.userId);
    return {
      items: cart.items.map((i) => ({ sku: i.sku, count: i.count, name: i.name, price: i.priceMinorUnits })),
      totalPrice: cart.totalMinorUnits,
    };
  };
}
