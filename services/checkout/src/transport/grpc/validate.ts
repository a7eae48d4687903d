// Input bounds of CheckoutService requests (docs/api.md), checked before any lookup.
import { RequestChecks } from '@shop/platform';
import type { checkout } from '@shop/proto';
import { maxItemCount } from '../../domain/cart';

export const maxIdempotencyKeyLength = 128;

export function validateCartChange(request: checkout.AddToCartRequest | checkout.DeleteFromCartRequest): void {
  new RequestChecks()
    .positive('user_id', request.userId)
    .positive('sku', request.sku)
    .between('count', request.count, 1, maxItemCount)
    .throwIfAny();
}

export function validateUserOnly(request: checkout.ListCartRequest | checkout.ClearCartRequest): void {
  new RequestChecks().positive('user_id', request.userId).throwIfAny();
}

export function validatePurchase(request: checkout.PurchaseRequest): void {
  new RequestChecks()
    .positive('user_id', request.userId)
    .text('idempotency_key', request.idempotencyKey, maxIdempotencyKeyLength)
    .throwIfAny();
}
