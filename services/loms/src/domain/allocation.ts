// How an order's units of one SKU are taken from its warehouses: the plain model of what
// create_orders (migrations/loms/1796400000000_create-orders-function.sql) does in PL/pgSQL (the inventory and
// order batch property tests hold the two equal).
import type { WarehouseId } from './inventory';

export const allocationStrategies = ['priority', 'most_available'] as const;
export type AllocationStrategy = (typeof allocationStrategies)[number];

export interface AllocatableRow {
  warehouseId: WarehouseId;
  priority: number;
  active: boolean;
  available: number;
}

export interface Allocation {
  warehouseId: WarehouseId;
  take: number;
}

/**
 * Takes `count` units greedily from active warehouses: by priority (lower first) or by most available first,
 * ties by warehouse id. Undefined when they hold fewer than `count` units in all.
 */
export function allocate(strategy: AllocationStrategy, rows: AllocatableRow[], count: number): Allocation[] | undefined {
  const usable = rows.filter((r) => r.active && r.available > 0);
  if (usable.reduce((sum, r) => sum + r.available, 0) < count) return undefined;
  const rank = (r: AllocatableRow) => (strategy === 'priority' ? r.priority : -r.available);
  const ordered = [...usable].sort((a, b) => rank(a) - rank(b) || a.warehouseId - b.warehouseId);
  const taken: Allocation[] = [];
  let left = count;
  for (const row of ordered) {
    if (left === 0) break;
    const take = Math.min(row.available, left);
    taken.push({ warehouseId: row.warehouseId, take });
    left -= take;
  }
  return taken;
}
