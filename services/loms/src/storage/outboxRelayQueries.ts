// What the outbox relay reads and marks (unpublished rows in order), and the cleanup of published ones.
import type { Queryable } from '@shop/platform';
import type { OrderItem } from '../domain/order';

/** What a stock level event's outbox row holds besides its id and time (stockChangeSql.ts writes it). */
export interface StockLevelPayload {
  sku: number;
  warehouse_id: number;
  total: number;
  reserved: number;
  available: number;
  sku_available: number;
  cause: 'RECEIPT' | 'ADJUSTMENT' | 'OUT_OF_STOCK' | 'BACK_IN_STOCK';
}

interface OutboxRowBase {
  id: string;
  event_id: string;
  occurred_at: Date;
  traceparent: string | null;
}

export interface OrderStatusRow extends OutboxRowBase {
  event_type: 'order.status_changed';
  order_id: string;
  user_id: string;
  status: string;
  previous_status: string;
  items: OrderItem[];
  version: number;
}

export interface StockLevelRow extends OutboxRowBase {
  event_type: 'stock.level_changed';
  payload: StockLevelPayload;
}

export type OutboxRow = OrderStatusRow | StockLevelRow;

export async function fetchUnpublished(q: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await q.query<OutboxRow>({
    name: 'loms_outbox_unpublished',
    text: `SELECT id, event_id, event_type, order_id, user_id, status, previous_status, items, payload, occurred_at, traceparent, version
           FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
    values: [limit],
  });
  return rows;
}

/**
 * Returns once every transaction committed so far is as durable as a commit of ours: with a synchronous standby,
 * once the standby has it. A commit whose wait for the standby was cancelled (LOMS cancels the statement of a
 * caller who gave up) is visible at once, standby or not; without this the relay could publish its event and a
 * failover then lose the order. A transactional WAL message makes this statement's commit wait like any write.
 */
export async function awaitDurableCommits(q: Queryable): Promise<void> {
  await q.query({
    name: 'loms_outbox_durable_fence',
    text: "SELECT pg_logical_emit_message(true, 'loms.outbox-relay', 'durable fence')",
    values: [],
  });
}

export async function markPublished(q: Queryable, ids: string[]): Promise<void> {
  await q.query({
    name: 'loms_outbox_mark_published',
    text: 'UPDATE outbox SET published_at = now() WHERE id = ANY ($1::bigint[])',
    values: [ids],
  });
}

/**
 * Deletes up to `limit` rows published more than `retentionMs` ago by the database's clock (the one that
 * stamped published_at). Rows another cleaner holds are skipped, so replicas never wait on each other.
 */
export async function deletePublishedOlderThan(q: Queryable, retentionMs: number, limit: number): Promise<number> {
  const { rowCount } = await q.query({
    name: 'loms_outbox_cleanup',
    text: `DELETE FROM outbox WHERE id IN (
             SELECT id FROM outbox
             WHERE published_at IS NOT NULL AND published_at < now() - $1::double precision * interval '1 millisecond'
             ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    values: [retentionMs, limit],
  });
  return rowCount ?? 0;
}

export async function outboxBacklog(q: Queryable): Promise<{ size: number; oldestAgeSeconds: number }> {
  const { rows } = await q.query<{ size: string; oldest_age_seconds: number | null }>({
    name: 'loms_outbox_backlog',
    text: `SELECT count(*) AS size, extract(epoch FROM now() - min(created_at))::double precision AS oldest_age_seconds
           FROM outbox WHERE published_at IS NULL`,
    values: [],
  });
  const row = rows[0];
  return { size: Number(row?.size ?? 0), oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0) };
}
