// CreateOrder as one statement (atomic on its own, one round trip): lock the SKUs' stock rows in
// (sku, warehouse) order, allocate each item greedily over warehouses, insert the order as
// AWAITING_PAYMENT with its reservations or as FAILED with its shortages, and write its event
// (version 1). The order is dated by the database's clock (now(): every replica shares it) and due
// $6 ms later, as domain/order.ts paymentDeadline says; the order tests hold the two equal.
// The order insert is skipped on an idempotency-key conflict, and the reservation with it.
// Items must be merged by SKU first: UPDATE ... FROM applies one row per target row.
export const createOrderStatement = `
WITH requested AS (
  SELECT r.sku, r.count FROM unnest($2::bigint[], $3::bigint[]) AS r(sku, count)
),
locked AS (
  SELECT s.sku, s.warehouse_id, s.total - s.reserved AS available
  FROM stocks s
  WHERE s.sku = ANY ($2::bigint[])
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
),
shortages AS (
  SELECT r.sku, r.count AS requested, COALESCE(SUM(l.available), 0)::bigint AS available
  FROM requested r LEFT JOIN locked l ON l.sku = r.sku
  GROUP BY r.sku, r.count
  HAVING COALESCE(SUM(l.available), 0) < r.count
),
new_order AS (
  INSERT INTO orders (user_id, status, items, idempotency_key, shortages, created_at, updated_at, payment_deadline, event_version)
  SELECT $1, CASE WHEN EXISTS (SELECT 1 FROM shortages) THEN 'FAILED' ELSE 'AWAITING_PAYMENT' END,
         $4::jsonb, $5,
         (SELECT jsonb_agg(jsonb_build_object('sku', sku, 'requested', requested, 'available', available) ORDER BY sku) FROM shortages),
         now(), now(), now() + $6::double precision * interval '1 millisecond', 1
  ON CONFLICT (user_id, idempotency_key) DO NOTHING
  RETURNING id, status, shortages, created_at, payment_deadline
),
allocation AS (
  SELECT l.sku, l.warehouse_id,
         LEAST(l.available, r.count - (SUM(l.available) OVER (PARTITION BY l.sku ORDER BY l.warehouse_id) - l.available)) AS take
  FROM locked l JOIN requested r ON r.sku = l.sku
),
reserved AS (
  UPDATE stocks s SET reserved = s.reserved + a.take
  FROM allocation a, new_order o
  WHERE o.status = 'AWAITING_PAYMENT' AND a.take > 0 AND s.sku = a.sku AND s.warehouse_id = a.warehouse_id
  RETURNING s.sku
),
reservation_rows AS (
  INSERT INTO reservations (order_id, sku, warehouse_id, count)
  SELECT o.id, a.sku, a.warehouse_id, a.take FROM allocation a, new_order o
  WHERE o.status = 'AWAITING_PAYMENT' AND a.take > 0
),
event AS (
  INSERT INTO outbox (event_id, order_id, user_id, status, previous_status, items, occurred_at, traceparent, version)
  SELECT $7, o.id, $1, o.status, 'NEW', $4::jsonb, o.created_at, $8, 1 FROM new_order o
)
SELECT o.id, o.status, o.shortages, o.created_at, o.payment_deadline FROM new_order o`;
