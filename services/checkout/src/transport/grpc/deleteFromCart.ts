import { assertActsForUser, type AuthenticatedCall } from '@shop/platform';
import type { checkout } from '@shop/proto';
import type { CartStore, Db } from '../../app/ports';
import { deleteFromCart } from '../../app/deleteFromCart';
import { validateCartChange } from './validate';

export function handleDeleteFromCart(deps: { db: Db; carts: CartStore }) {
  return async (request: checkout.DeleteFromCartRequest, call: AuthenticatedCall): Promise<checkout.DeleteFromCartResponse> => {
    validateCartChange(request);
    assertActsForUser(call, request.userId);
    await deleteFromCart(deps, { userId: request.userId, sku: request.sku, count: request.count });
    return {};
  };
}
