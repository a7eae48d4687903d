// A stock count (AdjustStock): what it may set the total to, and the change it records.
import { StockBelowReservedError, StockChangedError } from './inventoryErrors';

export interface CountedRow {
  total: number;
  reserved: number;
}

/** The change of total a count makes; throws when the row changed since `expectedTotal` or the count is below what is reserved. */
export function countDelta(row: CountedRow, newTotal: number, expectedTotal: number | undefined): number {
  if (expectedTotal !== undefined && expectedTotal !== row.total) throw new StockChangedError(row.total);
  if (newTotal < row.reserved) throw new StockBelowReservedError(row.reserved);
  return newTotal - row.total;
}
