// Inventory's domain values to their proto messages.
import { inventory } from '@shop/proto';
import type { MovementKind, StockDrift, StockLevel, StockMovement, Warehouse } from '../../domain/inventory';

const kindToProto: Record<MovementKind, inventory.MovementKind> = {
  RECEIPT: inventory.MovementKind.MOVEMENT_KIND_RECEIPT,
  ADJUSTMENT: inventory.MovementKind.MOVEMENT_KIND_ADJUSTMENT,
  RESERVATION: inventory.MovementKind.MOVEMENT_KIND_RESERVATION,
  RELEASE: inventory.MovementKind.MOVEMENT_KIND_RELEASE,
  WRITE_OFF: inventory.MovementKind.MOVEMENT_KIND_WRITE_OFF,
};

export const warehouseToProto = (w: Warehouse): inventory.Warehouse => ({
  warehouseId: w.id,
  name: w.name,
  priority: w.priority,
  active: w.active,
});

export const warehouseFromProto = (w: inventory.Warehouse): Warehouse => ({
  id: w.warehouseId,
  name: w.name,
  priority: w.priority,
  active: w.active,
});

export const stockLevelToProto = (l: StockLevel): inventory.StockLevel => ({
  sku: l.sku,
  warehouseId: l.warehouseId,
  total: l.total,
  reserved: l.reserved,
  available: l.available,
});

export const movementToProto = (m: StockMovement): inventory.StockMovement => ({
  movementId: m.id,
  sku: m.sku,
  warehouseId: m.warehouseId,
  kind: kindToProto[m.kind],
  totalDelta: m.totalDelta,
  reservedDelta: m.reservedDelta,
  orderId: m.orderId ?? 0,
  reason: m.reason,
  createdAt: m.createdAt,
});

export const driftToProto = (d: StockDrift): inventory.StockDrift => ({
  sku: d.sku,
  warehouseId: d.warehouseId,
  total: d.total,
  totalFromMovements: d.totalFromMovements,
  reserved: d.reserved,
  reservedFromOrders: d.reservedFromOrders,
  reservedFromMovements: d.reservedFromMovements,
});
