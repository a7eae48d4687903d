// Warehouses, stock levels and the movement ledger, as the inventory use cases see them.
import type { OrderId, Sku } from './order';

export type WarehouseId = number;

export interface Warehouse {
  id: WarehouseId;
  name: string;
  /** Allocation order under the priority strategy: lower first, then by id. */
  priority: number;
  /** Inactive: never allocated from; its units do not count as available. */
  active: boolean;
}

export interface StockLevel {
  sku: Sku;
  warehouseId: WarehouseId;
  total: number;
  reserved: number;
  /** total - reserved in an active warehouse, 0 in an inactive one. */
  available: number;
}

export type MovementKind = 'RECEIPT' | 'ADJUSTMENT' | 'RESERVATION' | 'RELEASE' | 'WRITE_OFF';

export interface StockMovement {
  id: number;
  sku: Sku;
  warehouseId: WarehouseId;
  kind: MovementKind;
  totalDelta: number;
  reservedDelta: number;
  orderId: OrderId | undefined;
  reason: string;
  createdAt: Date;
}

/** A change of one stock row, as the movement that records it. */
export interface StockChange {
  sku: Sku;
  warehouseId: WarehouseId;
  kind: 'RECEIPT' | 'ADJUSTMENT';
  totalDelta: number;
  reason: string;
}

/** A stock row whose numbers its records do not explain. */
export interface StockDrift {
  sku: Sku;
  warehouseId: WarehouseId;
  total: number;
  totalFromMovements: number;
  reserved: number;
  reservedFromOrders: number;
  reservedFromMovements: number;
}

export interface ConsistencyReport {
  rowsChecked: number;
  drifts: StockDrift[];
  driftsTotal: number;
}

export const stockLevel = (row: { sku: Sku; warehouseId: WarehouseId; total: number; reserved: number; active: boolean }): StockLevel => ({
  sku: row.sku,
  warehouseId: row.warehouseId,
  total: row.total,
  reserved: row.reserved,
  available: row.active ? row.total - row.reserved : 0,
});
