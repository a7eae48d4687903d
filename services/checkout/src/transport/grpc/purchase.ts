import { assertActsForUser, type AuthenticatedCall } from '@shop/platform';
import type { checkout } from '@shop/proto';
import { purchase, type PurchaseDeps } from '../../app/purchase';
import { validatePurchase } from './validate';

export function handlePurchase(deps: PurchaseDeps) {
  return async (request: checkout.PurchaseRequest, call: AuthenticatedCall): Promise<checkout.PurchaseResponse> => {
    validatePurchase(request);
    assertActsForUser(call, request.userId);
    return purchase(deps, { userId: request.userId, idempotencyKey: request.idempotencyKey });
  };
}
