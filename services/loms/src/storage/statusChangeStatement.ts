// Status changes of a batch of orders as one statement (atomic on its own, one round trip), each applied only
// if its order is still in the status, and at the event version, the caller decided on: set the order's new
// status and version (locking the order row first, as the canceller does), lock every stock row of the
// orders' SKUs in (sku, warehouse) order, settle what an AWAITING_PAYMENT order holds (its RESERVATION
// movements: write off or release, as each change says) as stock changes (stockChangeSql.ts), and write each
// order's event. Per order: $1 id, $2 previous status, $3 new status, $4 time of the change, $5 whether it
// writes off, $6 event id, $7 items, $8 traceparent, $9 version. Movements and stock events are dated by the
// latest change. An order named twice changes at most once. Returns the order and event id of each change made.
import { stockChangeCtes } from './stockChangeSql';

export const statusChangeStatement = `
WITH wanted AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::boolean[], $6::uuid[], $7::jsonb[], $8::text[], $9::integer[])
    AS w(order_id, previous_status, status, occurred_at, write_off, event_id, items, traceparent, version)
),
changed AS (
  UPDATE orders o SET status = w.status, updated_at = w.occurred_at, event_version = w.version
  FROM wanted w
  WHERE o.id = w.order_id AND o.status = w.previous_status AND o.event_version = w.version - 1
  RETURNING o.id, o.user_id, w.previous_status, w.status, w.occurred_at, w.write_off, w.event_id, w.items, w.traceparent, w.version
),
settled AS (
  SELECT m.order_id, m.sku, m.warehouse_id, m.reserved_delta AS count, c.write_off
  FROM stock_movements m JOIN changed c ON m.order_id = c.id
  WHERE m.kind = 'RESERVATION' AND c.previous_status = 'AWAITING_PAYMENT'
),
locked AS (
  SELECT s.sku, s.warehouse_id, s.total, s.reserved, s.warehouse_active AS active
  FROM stocks s
  WHERE s.sku IN (SELECT sku FROM settled)
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
),
stock_changes AS (
  SELECT sku, warehouse_id, CASE WHEN write_off THEN 'WRITE_OFF' ELSE 'RELEASE' END AS kind,
         CASE WHEN write_off THEN -count ELSE 0 END AS total_delta, -count AS reserved_delta, order_id, '' AS reason
  FROM settled
),
order_events AS (
  SELECT c.event_id, c.id AS order_id, c.user_id, c.status, c.previous_status, c.items, c.occurred_at,
         c.traceparent, c.version
  FROM changed c ORDER BY c.id
),${stockChangeCtes({
  at: '(SELECT max(occurred_at) FROM changed)',
  traceparent: '(SELECT c.traceparent FROM changed c ORDER BY c.id LIMIT 1)',
  rowEvents: false,
  orderEvents: 'order_events',
})}
SELECT id, event_id FROM changed`;
