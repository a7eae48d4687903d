import type { checkout } from '@shop/proto';
import type { CartStore, Db } from '../../app/ports';
import { clearCart } from '../../app/clearCart';
import { validateUserOnly } from './validate';

export function handleClearCart(deps: { db: Db; carts: CartStore }) {
  return async (request: checkout.ClearCartRequest): Promise<checkout.ClearCartResponse> => {
    validateUserOnly(request);
    await clearCart(deps, request.userId);
    return {};
  };
}
