// CheckStockConsistency in one statement, so one snapshot: every stock row of the SKUs in $1 (all when null)
// against its records. total must equal the sum of its movements' total_delta; reserved must equal both the
// sum of their reserved_delta and what its AWAITING_PAYMENT orders hold (the view `reservations`). Lists at most $2
// drifting rows, by (sku, warehouse), and counts them all.
export const consistencyStatement = `
WITH checked AS (
  SELECT sku, warehouse_id, total, reserved FROM stocks WHERE $1::bigint[] IS NULL OR sku = ANY ($1::bigint[])
),
ledger AS (
  SELECT sku, warehouse_id, SUM(total_delta) AS total, SUM(reserved_delta) AS reserved
  FROM stock_movements WHERE $1::bigint[] IS NULL OR sku = ANY ($1::bigint[])
  GROUP BY sku, warehouse_id
),
held AS (
  SELECT r.sku, r.warehouse_id, SUM(r.count) AS reserved
  FROM reservations r
  WHERE $1::bigint[] IS NULL OR r.sku = ANY ($1::bigint[])
  GROUP BY r.sku, r.warehouse_id
),
compared AS (
  SELECT c.sku, c.warehouse_id, c.total, COALESCE(l.total, 0) AS total_from_movements,
         c.reserved, COALESCE(h.reserved, 0) AS reserved_from_orders, COALESCE(l.reserved, 0) AS reserved_from_movements
  FROM checked c
  LEFT JOIN ledger l ON l.sku = c.sku AND l.warehouse_id = c.warehouse_id
  LEFT JOIN held h ON h.sku = c.sku AND h.warehouse_id = c.warehouse_id
),
drifting AS (
  SELECT * FROM compared
  WHERE total <> total_from_movements OR reserved <> reserved_from_orders OR reserved <> reserved_from_movements
)
SELECT (SELECT count(*) FROM compared) AS rows_checked,
       (SELECT count(*) FROM drifting) AS drifts_total,
       COALESCE((SELECT jsonb_agg(to_jsonb(d) ORDER BY d.sku, d.warehouse_id)
                 FROM (SELECT * FROM drifting ORDER BY sku, warehouse_id LIMIT $2) d), '[]'::jsonb) AS drifts`;
