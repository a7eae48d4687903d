import { assertActsForUser, type AuthenticatedCall } from '@shop/platform';
import type { checkout } from '@shop/proto';
import type { CartStore, Db } from '../../app/ports';
import { clearCart } from '../../app/clearCart';
import { validateUserOnly } from './validate';

export function handleClearCart(deps: { db: Db; carts: CartStore }) {
  return async (request: checkout.ClearCartRequest, call: AuthenticatedCall): Promise<checkout.ClearCartResponse> => {
    validateUserOnly(request);
    assertActsForUser(call, request.userId);
    await clearCart(deps, request.userId);
    return {};
  };
}
