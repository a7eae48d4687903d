// Inventory's domain errors; the transport maps each to a status (toGrpcError.ts).
import type { WarehouseId } from './inventory';

export class WarehouseNotFoundError extends Error {
  readonly code = 'WAREHOUSE_NOT_FOUND';
  constructor(readonly warehouseId: WarehouseId) {
    super(`warehouse ${warehouseId} not found`);
  }
}

/** A compare-and-set count lost: the total is no longer what the counter expected. */
export class StockChangedError extends Error {
  readonly code = 'STOCK_CHANGED';
  constructor(readonly currentTotal: number) {
    super(`the stock changed: the total is now ${currentTotal}`);
  }
}

export class StockBelowReservedError extends Error {
  readonly code = 'STOCK_BELOW_RESERVED';
  constructor(readonly reserved: number) {
    super(`new_total is below the ${reserved} units reserved by orders`);
  }
}

/** A receipt would take a total past 2^53 - 1, beyond what the services read exactly (and a count could then set). */
export class StockTotalTooLargeError extends Error {
  readonly code = 'STOCK_TOTAL_TOO_LARGE';
  constructor(
    readonly sku: number,
    readonly total: number,
  ) {
    super(`sku ${sku}: the total ${total} plus the received count would pass ${Number.MAX_SAFE_INTEGER}`);
  }
}
