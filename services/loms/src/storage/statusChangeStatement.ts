// A status change of one order as one statement (atomic on its own, one round trip), applied only if
// the order is still in the status, and at the event version, the caller decided on: set the new status
// and version $9 (locking the order row first, as the canceller does), lock the order's stock rows in
// (sku, warehouse) order, settle its reservations (write off or release), and write the event.
// Returns one row when it was applied.
// The count(*) gate reads every locked row before the first stock update, which keeps the lock order.
export const statusChangeStatement = `
WITH changed AS (
  UPDATE orders SET status = $3, updated_at = $4, event_version = $9::integer
  WHERE id = $1 AND status = $2 AND event_version = $9::integer - 1
  RETURNING id, user_id
),
locked AS (
  SELECT s.sku, s.warehouse_id
  FROM stocks s
  WHERE (s.sku, s.warehouse_id) IN (SELECT r.sku, r.warehouse_id FROM reservations r JOIN changed c ON r.order_id = c.id)
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
),
settled AS (
  DELETE FROM reservations r USING changed c WHERE r.order_id = c.id
  RETURNING r.sku, r.warehouse_id, r.count
),
per_row AS (
  SELECT sku, warehouse_id, SUM(count) AS count FROM settled GROUP BY sku, warehouse_id
),
stock AS (
  UPDATE stocks s
  SET reserved = s.reserved - p.count,
      total = s.total - CASE WHEN $5::boolean THEN p.count ELSE 0 END
  FROM per_row p
  WHERE s.sku = p.sku AND s.warehouse_id = p.warehouse_id AND (SELECT count(*) FROM locked) > 0
),
event AS (
  INSERT INTO outbox (event_id, order_id, user_id, status, previous_status, items, occurred_at, traceparent, version)
  SELECT $6, c.id, c.user_id, $3, $2, $7::jsonb, $4, $8, $9 FROM changed c
)
SELECT id FROM changed`;
