// What the LOMS and Notifications databases must say after any failure: the reliability invariants, read with SQL.
import { consistencyStatement } from '../../../services/loms/src/storage/consistencyStatement';
import { setStockRow } from '../../../services/loms/test/integration/setStockRow';
import type { Pool } from 'pg';

export interface OutboxEvent {
  eventId: string;
  orderId: number;
  status: string;
  occurredAt: Date;
  publishedAt: Date | null;
}

/** The order status events of the outbox (stock level events go to their own topic, not to Notifications). */
export async function outboxEvents(loms: Pool): Promise<OutboxEvent[]> {
  const { rows } = await loms.query<{
    event_id: string;
    order_id: string;
    status: string;
    occurred_at: Date;
    published_at: Date | null;
  }>("SELECT event_id, order_id, status, occurred_at, published_at FROM outbox WHERE event_type = 'order.status_changed' ORDER BY id");
  return rows.map((r) => ({
    eventId: r.event_id,
    orderId: Number(r.order_id),
    status: r.status,
    occurredAt: r.occurred_at,
    publishedAt: r.published_at,
  }));
}

/** Each order's event ids in the order the rows come: comparing two of them compares the per-order orders. */
export function eventIdsByOrder(rows: { eventId: string; orderId: number }[]): Record<number, string[]> {
  const grouped: Record<number, string[]> = {};
  for (const r of rows) (grouped[r.orderId] ??= []).push(r.eventId);
  return grouped;
}

export async function unpublishedCount(loms: Pool): Promise<number> {
  const { rows } = await loms.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(rows[0]?.n ?? 0);
}

export interface RecordedNotification {
  eventId: string;
  orderId: number;
  status: string;
  seq: number;
  createdAt: Date;
}

export async function recordedNotifications(notifications: Pool): Promise<RecordedNotification[]> {
  const { rows } = await notifications.query<{
    event_id: string;
    order_id: string;
    status: string;
    seq: string;
    created_at: Date;
  }>('SELECT event_id, order_id, status, seq, created_at FROM notifications ORDER BY seq');
  return rows.map((r) => ({
    eventId: r.event_id,
    orderId: Number(r.order_id),
    status: r.status,
    seq: Number(r.seq),
    createdAt: r.created_at,
  }));
}

export async function notificationCount(notifications: Pool): Promise<number> {
  const { rows } = await notifications.query<{ n: string }>('SELECT count(*) AS n FROM notifications');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Invariants 1, 2 and 4 over the whole LOMS database; returns the broken ones as sentences (empty when all hold).
 * `initialTotals` (sku → total units at the start) also checks that paid units were written off exactly once.
 */
export async function brokenStockInvariants(loms: Pool, initialTotals?: Map<number, number>): Promise<string[]> {
  const broken: string[] = [];
  const { rows: bounds } = await loms.query<{
    sku: string;
    warehouse_id: string;
    total: string;
    reserved: string;
  }>('SELECT sku, warehouse_id, total, reserved FROM stocks WHERE reserved < 0 OR reserved > total');
  for (const r of bounds) broken.push(`stock ${r.sku}/${r.warehouse_id}: reserved ${r.reserved} outside 0..${r.total}`);

  const { rows: conservation } = await loms.query<{
    sku: string;
    warehouse_id: string;
    reserved: string;
    held: string;
  }>(
    `SELECT s.sku, s.warehouse_id, s.reserved, COALESCE(h.held, 0) AS held
     FROM stocks s
     LEFT JOIN (SELECT r.sku, r.warehouse_id, SUM(r.count) AS held
                FROM reservations r JOIN orders o ON o.id = r.order_id
                WHERE o.status = 'AWAITING_PAYMENT' GROUP BY r.sku, r.warehouse_id) h
       ON h.sku = s.sku AND h.warehouse_id = s.warehouse_id
     WHERE s.reserved <> COALESCE(h.held, 0)`,
  );
  for (const r of conservation)
    broken.push(`stock ${r.sku}/${r.warehouse_id}: reserved ${r.reserved} but AWAITING_PAYMENT orders hold ${r.held}`);

  const { rows: ledger } = await loms.query<{ drifts_total: string; drifts: unknown[] }>(consistencyStatement, [null, 5]);
  if (Number(ledger[0]?.drifts_total) > 0)
    broken.push(`${ledger[0]?.drifts_total} stock rows differ from their movement ledger: ${JSON.stringify(ledger[0]?.drifts)}`);

  const { rows: stuck } = await loms.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE status = 'NEW'`);
  if (Number(stuck[0]?.n) > 0) broken.push(`${stuck[0]?.n} orders are still NEW`);

  if (initialTotals) {
    const { rows: totals } = await loms.query<{ sku: string; total: string }>('SELECT sku, SUM(total) AS total FROM stocks GROUP BY sku');
    const { rows: paid } = await loms.query<{ sku: string; count: string }>(
      `SELECT (item->>'sku')::bigint AS sku, SUM((item->>'count')::bigint) AS count
       FROM orders, jsonb_array_elements(items) AS item WHERE status = 'PAYED' GROUP BY 1`,
    );
    const paidBySku = new Map(paid.map((r) => [Number(r.sku), Number(r.count)]));
    for (const r of totals) {
      const written = (initialTotals.get(Number(r.sku)) ?? 0) - Number(r.total);
      const expected = paidBySku.get(Number(r.sku)) ?? 0;
      if (written !== expected) broken.push(`sku ${r.sku}: ${written} units written off, but PAYED orders hold ${expected}`);
    }
  }
  return broken;
}

export async function stockTotals(loms: Pool): Promise<Map<number, number>> {
  const { rows } = await loms.query<{ sku: string; total: string }>('SELECT sku, SUM(total) AS total FROM stocks GROUP BY sku');
  return new Map(rows.map((r) => [Number(r.sku), Number(r.total)]));
}

/** Replaces all stock with the given rows over warehouses 1..3. */
export async function setStock(loms: Pool, rows: { sku: number; warehouseId: number; total: number }[]): Promise<void> {
  await loms.query("INSERT INTO warehouses (id, name) VALUES (1, 'w1'), (2, 'w2'), (3, 'w3') ON CONFLICT DO NOTHING");
  for (const r of rows) await loms.query(setStockRow, [r.sku, r.warehouseId, r.total, 0]);
}
