// Input bounds of ProductService requests (→ INVALID_ARGUMENT naming the field).
import { RequestChecks } from '@shop/platform';
import type { product } from '@shop/proto';

export const defaultListSkusCount = 100;
export const maxListSkusCount = 1000;

export function validateGetProduct(request: product.GetProductRequest): void {
  new RequestChecks().positive('sku', request.sku).throwIfAny();
}

export function validateListSkus(request: product.ListSkusRequest): void {
  new RequestChecks().between('count', request.count, 0, maxListSkusCount).throwIfAny();
}
