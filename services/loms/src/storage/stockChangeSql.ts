// The one SQL source of what a change of stock does, composed into every statement that changes stock
// (orders, status changes, the canceller, receipts, counts, warehouses). The statement defines two CTEs first:
//   locked(sku, warehouse_id, total, reserved, active): every stock row of the SKUs it touches, locked in
//     (sku, warehouse) order (the order every statement locks in, so none can deadlock), as they were;
//   stock_changes(sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason): one row per movement.
// These CTEs then apply the changes to the rows, write one movement per change, and publish the stock level
// events of docs/events.md: one per receipt and count, and OUT_OF_STOCK / BACK_IN_STOCK when a SKU's available
// units over its active warehouses reach 0 or leave it. Rows are locked before the first is changed: the
// update waits on the count of `locked`.

/** The SQL expressions (parameters, usually) of the moment of the change and the request's trace. */
export interface StockChangeContext {
  at: string;
  traceparent: string;
}

/** Applies `stock_changes` to the locked rows, writes the movements and the events; defines `stock_after`. */
export function stockChangeCtes(ctx: StockChangeContext): string {
  return `
stock_deltas AS (
  SELECT sku, warehouse_id, SUM(total_delta)::bigint AS total_delta, SUM(reserved_delta)::bigint AS reserved_delta
  FROM stock_changes GROUP BY sku, warehouse_id
),
stock_updated AS (
  UPDATE stocks s SET total = s.total + d.total_delta, reserved = s.reserved + d.reserved_delta
  FROM stock_deltas d
  WHERE s.sku = d.sku AND s.warehouse_id = d.warehouse_id AND (SELECT count(*) FROM locked) > 0
),
stock_movements_written AS (
  INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, created_at)
  SELECT sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, ${ctx.at}
  FROM stock_changes ORDER BY order_id, sku, warehouse_id
),
stock_after AS (
  SELECT l.sku, l.warehouse_id, l.active, l.total + COALESCE(d.total_delta, 0) AS total,
         l.reserved + COALESCE(d.reserved_delta, 0) AS reserved, d.sku IS NOT NULL AS changed
  FROM locked l LEFT JOIN stock_deltas d ON d.sku = l.sku AND d.warehouse_id = l.warehouse_id
),
${stockLevelEventCtes(ctx, 'stock_changes')}`;
}

/**
 * Publishes the level events of a change from `locked` (before) and `stock_after` (sku, warehouse_id, active,
 * total, reserved, changed): a row event for each change of kind RECEIPT or ADJUSTMENT in `changes`, then
 * OUT_OF_STOCK or BACK_IN_STOCK per SKU, naming the first changed row of the SKU.
 */
export function stockLevelEventCtes(ctx: StockChangeContext, changes: string): string {
  return `
sku_availability AS (
  SELECT b.sku,
         (SELECT COALESCE(SUM(l.total - l.reserved) FILTER (WHERE l.active), 0) FROM locked l WHERE l.sku = b.sku) AS before,
         COALESCE(SUM(b.total - b.reserved) FILTER (WHERE b.active), 0) AS after
  FROM stock_after b GROUP BY b.sku
),
stock_level_events AS (
  INSERT INTO outbox (event_id, event_type, payload, occurred_at, traceparent)
  SELECT gen_random_uuid(), 'stock.level_changed',
         jsonb_build_object('sku', e.sku, 'warehouse_id', e.warehouse_id, 'total', e.total, 'reserved', e.reserved,
                            'available', CASE WHEN e.active THEN e.total - e.reserved ELSE 0 END,
                            'sku_available', e.sku_available, 'cause', e.cause),
         ${ctx.at}, ${ctx.traceparent}
  FROM (
    SELECT c.sku, c.warehouse_id, a.total, a.reserved, a.active, k.after AS sku_available, c.kind AS cause, 0 AS step
    FROM (SELECT DISTINCT sku, warehouse_id, kind FROM ${changes} WHERE kind IN ('RECEIPT', 'ADJUSTMENT')) c
    JOIN stock_after a ON a.sku = c.sku AND a.warehouse_id = c.warehouse_id
    JOIN sku_availability k ON k.sku = c.sku
    UNION ALL
    (SELECT DISTINCT ON (k.sku) k.sku, a.warehouse_id, a.total, a.reserved, a.active, k.after,
            CASE WHEN k.after = 0 THEN 'OUT_OF_STOCK' ELSE 'BACK_IN_STOCK' END, 1
     FROM sku_availability k JOIN stock_after a ON a.sku = k.sku AND a.changed
     WHERE (k.before > 0) <> (k.after > 0)
     ORDER BY k.sku, a.warehouse_id)
  ) e
  ORDER BY e.sku, e.step, e.warehouse_id
)`;
}
