import type { checkout } from '@shop/proto';
import { purchase, type PurchaseDeps } from '../../app/purchase';
import { validatePurchase } from './validate';

export function handlePurchase(deps: PurchaseDeps) {
  return async (request: checkout.PurchaseRequest): Promise<checkout.PurchaseResponse> => {
    validatePurchase(request);
    return purchase(deps, { userId: request.userId, idempotencyKey: request.idempotencyKey });
  };
}
