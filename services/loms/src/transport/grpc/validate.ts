// Input bounds of docs/api.md, checked before any lookup; each violation names the proto field.
import { RequestChecks } from '@shop/platform';
import type { loms } from '@shop/proto';
import { mergeItems } from '../../domain/order';

export const maxCount = 10_000;
export const maxDistinctSkus = 100;
export const maxIdempotencyKeyLength = 128;
export const maxPageSize = 1000;
export const defaultPageSize = 50;

export function checkCreateOrder(request: loms.CreateOrderRequest): void {
  const checks = new RequestChecks().positive('user_id', request.userId);
  checkItems(checks, request.items, maxCount);
  checks.text('idempotency_key', request.idempotencyKey, maxIdempotencyKeyLength);
  checks.throwIfAny();
}

/** An order's or a receipt's items: not empty, SKUs positive, 1..maxItemCount units, also after merging, at most 100 distinct SKUs. */
export function checkItems(checks: RequestChecks, items: { sku: number; count: number }[], maxItemCount: number): RequestChecks {
  if (items.length === 0) checks.fail('items', 'must not be empty');
  items.forEach((item, i) => {
    checks.positive(`items[${i}].sku`, item.sku).between(`items[${i}].count`, item.count, 1, maxItemCount);
  });
  const merged = mergeItems(items);
  if (merged.length > maxDistinctSkus) checks.fail('items', `must have at most ${maxDistinctSkus} distinct SKUs`);
  for (const item of merged) {
    if (item.count > maxItemCount && items.every((i) => i.count <= maxItemCount))
      checks.fail('items', `sku ${item.sku}: merged count ${item.count} must be at most ${maxItemCount}`);
  }
  return checks;
}

export function checkOrderId(orderId: number): void {
  new RequestChecks().positive('order_id', orderId).throwIfAny();
}

export function checkSku(sku: number): void {
  new RequestChecks().positive('sku', sku).throwIfAny();
}

export function checkPageSize(checks: RequestChecks, pageSize: number): RequestChecks {
  return checks.between('page_size', pageSize, 0, maxPageSize);
}
