-- Generated from services/loms/src/storage/createOrderStatement.ts by bench/sql/ceilingScripts.ts: every order takes one unit of SKU 20001.
-- One statement, hence one transaction, exactly as LOMS sends it (no idempotency key, no traceparent).
\set hot_sku 20001
\set user_id random(1, 1000000)
WITH requested AS (
  SELECT r.sku, r.count FROM unnest(ARRAY[:hot_sku::bigint]::bigint[], ARRAY[1]::bigint[]) AS r(sku, count)
),
locked AS (
  SELECT s.sku, s.warehouse_id, s.total - s.reserved AS available
  FROM stocks s
  WHERE s.sku = ANY (ARRAY[:hot_sku::bigint]::bigint[])
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
  SELECT :user_id, CASE WHEN EXISTS (SELECT 1 FROM shortages) THEN 'FAILED' ELSE 'AWAITING_PAYMENT' END,
         jsonb_build_array(jsonb_build_object('sku', :hot_sku::bigint, 'count', 1))::jsonb, NULL,
         (SELECT jsonb_agg(jsonb_build_object('sku', sku, 'requested', requested, 'available', available) ORDER BY sku) FROM shortages),
         now(), now(), now() + 600000::double precision * interval '1 millisecond', 1
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
  SELECT gen_random_uuid(), o.id, :user_id, o.status, 'NEW', jsonb_build_array(jsonb_build_object('sku', :hot_sku::bigint, 'count', 1))::jsonb, o.created_at, NULL, 1 FROM new_order o
)
SELECT o.id, o.status, o.shortages, o.created_at, o.payment_deadline FROM new_order o;
