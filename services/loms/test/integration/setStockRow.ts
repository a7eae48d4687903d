// Test stock without receipts: one statement that keeps the row explained by its ledger.
/** Sets a stock row and records the difference from its ledger as an adjustment, so that the row stays explained. */
export const setStockRow = `
WITH upserted AS (
  INSERT INTO stocks (sku, warehouse_id, total, reserved, warehouse_active, warehouse_priority)
  SELECT $1, w.id, $3, $4, w.active, w.priority FROM warehouses w WHERE w.id = $2
  ON CONFLICT (sku, warehouse_id) DO UPDATE SET total = excluded.total, reserved = excluded.reserved
  RETURNING sku, warehouse_id, total, reserved
)
INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, reason)
SELECT u.sku, u.warehouse_id, 'ADJUSTMENT', u.total - COALESCE(SUM(m.total_delta), 0), u.reserved - COALESCE(SUM(m.reserved_delta), 0), 'test stock'
FROM upserted u LEFT JOIN stock_movements m ON m.sku = u.sku AND m.warehouse_id = u.warehouse_id
GROUP BY u.sku, u.warehouse_id, u.total, u.reserved`;
