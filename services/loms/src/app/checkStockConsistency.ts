import type { ConsistencyReport } from '../domain/inventory';
import type { Sku } from '../domain/order';
import type { LomsDeps } from './ports';

/** Drifting rows listed in one answer; the report counts them all. */
export const maxListedDrifts = 1000;

/** Recomputes the SKUs' stock rows (all when empty) from the movements and the orders' reservations. */
export function checkStockConsistency(deps: LomsDeps, skus: Sku[]): Promise<ConsistencyReport> {
  return deps.inventory.checkConsistency(skus.length === 0 ? undefined : [...new Set(skus)], maxListedDrifts);
}
