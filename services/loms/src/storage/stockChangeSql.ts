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
  /** Whether the changes include receipts or counts, which publish an event per row (orders never do). */
  rowEvents: boolean;
  /** `stock_changes` holds at most one change a row (an order's allocation), so they need no summing. */
  oneChangePerRow?: boolean;
  /**
   * A CTE of order status events the statement writes too (event_id, order_id, user_id, status, previous_status,
   * items, occurred_at, traceparent, version): one insert into the outbox writes them with the stock events.
   */
  orderEvents?: string;
  /**
   * A query of (sku, sku_before, sku_after): the available units over active rows before and after, for the
   * SKUs whose availability may have reached or left 0. By default every SKU of `locked`, from `stock_after`;
   * a statement that knows the few candidates cheaply names them (an order can only take a SKU down to 0).
   */
  skuLevels?: string;
}

/** Applies `stock_changes` to the locked rows, writes the movements and the events; defines `stock_after`. */
export function stockChangeCtes(ctx: StockChangeContext): string {
  return `
stock_deltas AS (${
    ctx.oneChangePerRow
      ? `
  SELECT sku, warehouse_id, total_delta, reserved_delta FROM stock_changes`
      : `
  SELECT sku, warehouse_id, SUM(total_delta)::bigint AS total_delta, SUM(reserved_delta)::bigint AS reserved_delta
  FROM stock_changes GROUP BY sku, warehouse_id`
  }
),
stock_updated AS (
  UPDATE stocks s SET total = s.total + d.total_delta, reserved = s.reserved + d.reserved_delta
  FROM stock_deltas d
  WHERE s.sku = d.sku AND s.warehouse_id = d.warehouse_id AND (SELECT count(*) FROM locked) > 0
),
stock_movements_written AS (
  INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, created_at)
  SELECT sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, ${ctx.at} FROM stock_changes
),
stock_after AS (
  SELECT l.sku, l.warehouse_id, l.active, l.total + COALESCE(d.total_delta, 0) AS total,
         l.reserved + COALESCE(d.reserved_delta, 0) AS reserved, d.sku IS NOT NULL AS changed,
         CASE WHEN l.active THEN l.total - l.reserved ELSE 0 END AS available_before
  FROM locked l LEFT JOIN stock_deltas d ON d.sku = l.sku AND d.warehouse_id = l.warehouse_id
),
${stockLevelEventCtes(ctx, 'stock_changes')}`;
}

/**
 * Writes the outbox rows of a change from `stock_after` (sku, warehouse_id, active, total, reserved, changed,
 * available_before: every row of the SKUs, after the change, with what it made available before): the order
 * events of `ctx.orderEvents`; with `rowEvents`, a stock event for each change of kind RECEIPT or ADJUSTMENT in
 * `changes`; then OUT_OF_STOCK or BACK_IN_STOCK per SKU whose availability over active rows reached or left 0,
 * naming its first changed row.
 */
export function stockLevelEventCtes(ctx: StockChangeContext, changes: string): string {
  const rowEvents = `
    SELECT c.sku, c.warehouse_id, a.total, a.reserved, a.active, v.sku_after, c.kind AS cause, 0 AS step
    FROM (SELECT DISTINCT sku, warehouse_id, kind FROM ${changes} WHERE kind IN ('RECEIPT', 'ADJUSTMENT')) c
    JOIN stock_after a ON a.sku = c.sku AND a.warehouse_id = c.warehouse_id
    JOIN sku_levels v ON v.sku = c.sku
    UNION ALL`;
  const orderEvents = ctx.orderEvents
    ? `
  SELECT event_id, 'order.status_changed', order_id, user_id, status, previous_status, items, NULL::jsonb, occurred_at, traceparent, version
  FROM ${ctx.orderEvents}
  UNION ALL`
    : '';
  const skuLevels =
    ctx.skuLevels ??
    `SELECT sku, SUM(available_before) AS sku_before, SUM(CASE WHEN active THEN total - reserved ELSE 0 END) AS sku_after
  FROM stock_after GROUP BY sku`;
  return `
sku_levels AS (
  ${skuLevels}
),
stock_level_events AS (${ctx.rowEvents ? rowEvents : ''}
  SELECT a.sku, a.warehouse_id, a.total, a.reserved, a.active, v.sku_after,
         CASE WHEN v.sku_after = 0 THEN 'OUT_OF_STOCK' ELSE 'BACK_IN_STOCK' END AS cause, 1 AS step
  FROM sku_levels v
  CROSS JOIN LATERAL (SELECT * FROM stock_after a WHERE a.sku = v.sku AND a.changed ORDER BY a.warehouse_id LIMIT 1) a
  WHERE (v.sku_before > 0) <> (v.sku_after > 0)
),
outbox_written AS (
  INSERT INTO outbox (event_id, event_type, order_id, user_id, status, previous_status, items, payload, occurred_at, traceparent, version)${orderEvents}
  SELECT gen_random_uuid(), 'stock.level_changed', NULL, NULL, NULL, NULL, NULL,
         jsonb_build_object('sku', e.sku, 'warehouse_id', e.warehouse_id, 'total', e.total, 'reserved', e.reserved,
                            'available', CASE WHEN e.active THEN e.total - e.reserved ELSE 0 END,
                            'sku_available', e.sku_after, 'cause', e.cause),
         ${ctx.at}, ${ctx.traceparent}, 0
  FROM (SELECT * FROM stock_level_events ORDER BY sku, step, warehouse_id) e
)`;
}
