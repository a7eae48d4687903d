-- Generated from bench/sql/oneOrderStatement.ts by bench/sql/ceilingScripts.ts: an order of 3 random distinct SKUs, one unit each.
-- One statement, hence one transaction, as LOMS sent it one order at a time (no idempotency key, no traceparent, the default allocation strategy).
\set s1 random(1, 3333)
\set s2 random(3334, 6666)
\set s3 random(6667, 10000)
\set user_id random(1, 1000000)
WITH requested AS (
  SELECT r.sku, r.count FROM unnest(ARRAY[:s1::bigint, :s2::bigint, :s3::bigint]::bigint[], ARRAY[1, 1, 1]::bigint[]) AS r(sku, count)
),
locked AS (
  SELECT s.sku, s.warehouse_id, s.total, s.reserved, s.warehouse_active AS active, s.warehouse_priority AS priority
  FROM stocks s
  WHERE s.sku = ANY (ARRAY[:s1::bigint, :s2::bigint, :s3::bigint]::bigint[])
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
  SELECT :user_id, CASE WHEN EXISTS (SELECT 1 FROM shortages) THEN 'FAILED' ELSE 'AWAITING_PAYMENT' END,
         jsonb_build_array(jsonb_build_object('sku', :s1::bigint, 'count', 1), jsonb_build_object('sku', :s2::bigint, 'count', 1), jsonb_build_object('sku', :s3::bigint, 'count', 1))::jsonb, NULL,
         (SELECT jsonb_agg(jsonb_build_object('sku', sku, 'requested', requested, 'available', available) ORDER BY sku) FROM shortages),
         now(), now(), now() + 600000::double precision * interval '1 millisecond', 1
  ON CONFLICT (user_id, idempotency_key) DO NOTHING
  RETURNING id, status, shortages, created_at, payment_deadline
),
allocation AS (
  SELECT u.sku, u.warehouse_id,
         LEAST(u.available, r.count - (SUM(u.available) OVER by_strategy - u.available)) AS take
  FROM usable u JOIN requested r ON r.sku = u.sku
  WINDOW by_strategy AS (
    PARTITION BY u.sku
    ORDER BY CASE WHEN 'priority'::text = 'most_available' THEN -u.available ELSE u.priority::bigint END, u.warehouse_id
  )
),
stock_changes AS (
  SELECT a.sku, a.warehouse_id, 'RESERVATION' AS kind, 0::bigint AS total_delta, a.take AS reserved_delta, o.id AS order_id, '' AS reason
  FROM allocation a, new_order o
  WHERE o.status = 'AWAITING_PAYMENT' AND a.take > 0
),
order_events AS (
  SELECT gen_random_uuid()::uuid AS event_id, o.id AS order_id, :user_id::bigint AS user_id, o.status, 'NEW'::text AS previous_status, jsonb_build_array(jsonb_build_object('sku', :s1::bigint, 'count', 1), jsonb_build_object('sku', :s2::bigint, 'count', 1), jsonb_build_object('sku', :s3::bigint, 'count', 1))::jsonb AS items,
         o.created_at AS occurred_at, NULL::text AS traceparent, 1 AS version
  FROM new_order o
),
stock_deltas AS (
  SELECT sku, warehouse_id, total_delta, reserved_delta FROM stock_changes
),
stock_updated AS (
  UPDATE stocks s SET total = s.total + d.total_delta, reserved = s.reserved + d.reserved_delta
  FROM stock_deltas d
  WHERE s.sku = d.sku AND s.warehouse_id = d.warehouse_id AND (SELECT count(*) FROM locked) > 0
),
stock_movements_written AS (
  INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, created_at)
  SELECT sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, now() FROM stock_changes
),
stock_after AS (
  SELECT l.sku, l.warehouse_id, l.active, l.total + COALESCE(d.total_delta, 0) AS total,
         l.reserved + COALESCE(d.reserved_delta, 0) AS reserved, d.sku IS NOT NULL AS changed,
         CASE WHEN l.active THEN l.total - l.reserved ELSE 0 END AS available_before
  FROM locked l LEFT JOIN stock_deltas d ON d.sku = l.sku AND d.warehouse_id = l.warehouse_id
),

sku_levels AS (
  SELECT sku, available AS sku_before, 0::bigint AS sku_after FROM supply
    WHERE available = requested AND EXISTS (SELECT 1 FROM new_order WHERE status = 'AWAITING_PAYMENT')
),
stock_level_events AS (
  SELECT a.sku, a.warehouse_id, a.total, a.reserved, a.active, v.sku_after,
         CASE WHEN v.sku_after = 0 THEN 'OUT_OF_STOCK' ELSE 'BACK_IN_STOCK' END AS cause, 1 AS step
  FROM sku_levels v
  CROSS JOIN LATERAL (SELECT * FROM stock_after a WHERE a.sku = v.sku AND a.changed ORDER BY a.warehouse_id LIMIT 1) a
  WHERE (v.sku_before > 0) <> (v.sku_after > 0)
),
outbox_written AS (
  INSERT INTO outbox (event_id, event_type, order_id, user_id, status, previous_status, items, payload, occurred_at, traceparent, version)
  SELECT event_id, 'order.status_changed', order_id, user_id, status, previous_status, items, NULL::jsonb, occurred_at, traceparent, version
  FROM order_events
  UNION ALL
  SELECT gen_random_uuid(), 'stock.level_changed', NULL, NULL, NULL, NULL, NULL,
         jsonb_build_object('sku', e.sku, 'warehouse_id', e.warehouse_id, 'total', e.total, 'reserved', e.reserved,
                            'available', CASE WHEN e.active THEN e.total - e.reserved ELSE 0 END,
                            'sku_available', e.sku_after, 'cause', e.cause),
         now(), NULL, 0
  FROM (SELECT * FROM stock_level_events ORDER BY sku, step, warehouse_id) e
)
SELECT o.id, o.status, o.shortages, o.created_at, o.payment_deadline FROM new_order o;
