import { assertActsForUser, type AuthenticatedCall } from '@shop/platform';
import type { checkout } from '@shop/proto';
import { addToCart, type AddToCartDeps } from '../../app/addToCart';
import { validateCartChange } from './validate';

export function handleAddToCart(deps: AddToCartDeps) {
  return async (request: checkout.AddToCartRequest, call: AuthenticatedCall): Promise<checkout.AddToCartResponse> => {
    validateCartChange(request);
    assertActsForUser(call, request.userId);
    await addToCart(deps, { userId: request.userId, sku: request.sku, count: request.count });
    return {};
  };
}
