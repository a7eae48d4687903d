import type { checkout } from '@shop/proto';
import { addToCart, type AddToCartDeps } from '../../app/addToCart';
import { validateCartChange } from './validate';

export function handleAddToCart(deps: AddToCartDeps) {
  return async (request: checkout.AddToCartRequest): Promise<checkout.AddToCartResponse> => {
    validateCartChange(request);
    await addToCart(deps, { userId: request.userId, sku: request.sku, count: request.count });
    return {};
  };
}
