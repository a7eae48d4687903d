// Input bounds of InventoryService (docs/api.md, "Inventory"), checked before any lookup; each violation names the proto field.
import { RequestChecks } from '@shop/platform';
import type { inventory } from '@shop/proto';
import { checkItems, checkPageSize, maxIdempotencyKeyLength } from './validate';

export const maxReceivedCount = 1_000_000;
export const maxNameLength = 200;
export const maxReasonLength = 200;
export const maxCheckedSkus = 1000;

const nonEmptyText = (checks: RequestChecks, field: string, value: string, max: number): RequestChecks =>
  value === '' ? checks.fail(field, 'must not be empty') : checks.text(field, value, max);

export function checkUpsertWarehouse(request: inventory.UpsertWarehouseRequest): inventory.Warehouse {
  const checks = new RequestChecks();
  const warehouse = request.warehouse;
  if (!warehouse) {
    checks.fail('warehouse', 'is required').throwIfAny();
    throw new Error('unreachable');
  }
  checks.between('warehouse.warehouse_id', warehouse.warehouseId, 0, Number.MAX_SAFE_INTEGER);
  nonEmptyText(checks, 'warehouse.name', warehouse.name, maxNameLength).throwIfAny();
  return warehouse;
}

export function checkReceiveStock(request: inventory.ReceiveStockRequest): void {
  const checks = new RequestChecks().positive('warehouse_id', request.warehouseId);
  checkItems(checks, request.items, maxReceivedCount);
  checks.text('idempotency_key', request.idempotencyKey, maxIdempotencyKeyLength).throwIfAny();
}

export function checkAdjustStock(request: inventory.AdjustStockRequest): void {
  const checks = new RequestChecks()
    .positive('warehouse_id', request.warehouseId)
    .positive('sku', request.sku)
    .between('new_total', request.newTotal, 0, Number.MAX_SAFE_INTEGER)
    .text('idempotency_key', request.idempotencyKey, maxIdempotencyKeyLength);
  if (request.expectedTotal !== undefined) checks.between('expected_total', request.expectedTotal, 0, Number.MAX_SAFE_INTEGER);
  nonEmptyText(checks, 'reason', request.reason, maxReasonLength).throwIfAny();
}

export function checkListStockMovements(request: inventory.ListStockMovementsRequest): void {
  const checks = new RequestChecks().positive('sku', request.sku).between('warehouse_id', request.warehouseId, 0, Number.MAX_SAFE_INTEGER);
  checkPageSize(checks, request.pageSize).throwIfAny();
}

export function checkStockConsistencyRequest(request: inventory.CheckStockConsistencyRequest): void {
  const checks = new RequestChecks();
  if (request.skus.length > maxCheckedSkus) checks.fail('skus', `must have at most ${maxCheckedSkus} SKUs`);
  else request.skus.forEach((sku, i) => checks.positive(`skus[${i}]`, sku));
  checks.throwIfAny();
}
