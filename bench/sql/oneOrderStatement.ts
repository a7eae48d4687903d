// The ceiling's definition (issue 14): CreateOrder as LOMS sent it before it coalesced orders into batches
// (services/loms/src/storage/orderBatches.ts), one order a statement, hence a transaction. Kept as it was so
// that every run measures LOMS against the same one-order ceiling.
// CreateOrder as one statement (atomic on its own, one round trip): lock the SKUs' stock rows in
// (sku, warehouse) order, allocate each item over the active warehouses by the allocation strategy ($9,
// domain/allocation.ts says how), insert the order as AWAITING_PAYMENT or as FAILED with its shortages,
// write its event (version 1), and apply its reservations as stock changes (stockChangeSql.ts): their
// RESERVATION movements are what the order holds. The order is dated by the database's clock (now(): every
// replica shares it) and due $6 ms later, as domain/order.ts paymentDeadline says; the order tests hold the two equal.
// The order insert is skipped on an idempotency-key conflict, and the reservation with it.
// Items must be merged by SKU first: UPDATE ... FROM applies one row per target row.
import { stockChangeCtes } from '../../services/loms/src/storage/stockChangeSql';

export const createOrderStatement = `
WITH requested AS (
  SELECT r.sku, r.count FROM unnest($2::bigint[], $3::bigint[]) AS r(sku, count)
),
locked AS (
  SELECT s.sku, s.warehouse_id, s.total, s.reserved, s.warehouse_active AS active, s.warehouse_priority AS priority
  FROM stocks s
  WHERE s.sku = ANY ($2::bigint[])
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
),
usable AS (
  SELECT sku, warehouse_id, total - reserved AS available, priority FROM locked WHERE active
),
supply AS (
  SELECT r.sku, r.count AS requested, COALESCE(SUM(u.available), 0)::bigint AS available
  FROM requested r LEFT JOIN usable u ON u.sku = r.sku
  GROUP BY r.sku, r.count
),
shortages AS (
  SELECT sku, requested, available FROM supply WHERE available < requested
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
  SELECT u.sku, u.warehouse_id,
         LEAST(u.available, r.count - (SUM(u.available) OVER by_strategy - u.available)) AS take
  FROM usable u JOIN requested r ON r.sku = u.sku
  WINDOW by_strategy AS (
    PARTITION BY u.sku
    ORDER BY CASE WHEN $9::text = 'most_available' THEN -u.available ELSE u.priority::bigint END, u.warehouse_id
  )
),
stock_changes AS (
  SELECT a.sku, a.warehouse_id, 'RESERVATION' AS kind, 0::bigint AS total_delta, a.take AS reserved_delta, o.id AS order_id, '' AS reason
  FROM allocation a, new_order o
  WHERE o.status = 'AWAITING_PAYMENT' AND a.take > 0
),
order_events AS (
  SELECT $7::uuid AS event_id, o.id AS order_id, $1::bigint AS user_id, o.status, 'NEW'::text AS previous_status, $4::jsonb AS items,
         o.created_at AS occurred_at, $8::text AS traceparent, 1 AS version
  FROM new_order o
),${stockChangeCtes({
  at: 'now()',
  traceparent: '$8',
  rowEvents: false,
  oneChangePerRow: true,
  orderEvents: 'order_events',
  // A reserved SKU leaves 0 available exactly when the order takes all it had.
  skuLevels: `SELECT sku, available AS sku_before, 0::bigint AS sku_after FROM supply
    WHERE available = requested AND EXISTS (SELECT 1 FROM new_order WHERE status = 'AWAITING_PAYMENT')`,
})}
SELECT o.id, o.status, o.shortages, o.created_at, o.payment_deadline FROM new_order o`;
