// What the outbox relay reads and marks: unpublished rows in order, and cleanup of old ones.
import type { Queryable } from '@shop/platform';
import type { OrderItem } from '../domain/order';

export interface OutboxRow {
  id: string;
  event_id: string;
  order_id: string;
  user_id: string;
  status: string;
  previous_status: string;
  items: OrderItem[];
  occurred_at: Date;
  traceparent: string | null;
}

export async function fetchUnpublished(q: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await q.query<OutboxRow>({
    name: 'loms_outbox_unpublished',
    text: `SELECT id, event_id, order_id, user_id, status, previous_status, items, occurred_at, traceparent
           FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
    values: [limit],
  });
  return rows;
}

export async function markPublished(q: Queryable, ids: string[]): Promise<void> {
  await q.query({
    name: 'loms_outbox_mark_published',
    text: 'UPDATE outbox SET published_at = now() WHERE id = ANY ($1::bigint[])',
    values: [ids],
  });
}

export async function deletePublishedBefore(q: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await q.query({
    name: 'loms_outbox_cleanup',
    text: `DELETE FROM outbox WHERE id IN (
             SELECT id FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 ORDER BY published_at LIMIT $2)`,
    values: [before, limit],
  });
  return rowCount ?? 0;
}

export async function outboxBacklog(q: Queryable): Promise<{ size: number; oldestAgeSeconds: number }> {
  const { rows } = await q.query<{ size: string; oldest: Date | null }>({
    name: 'loms_outbox_backlog',
    text: 'SELECT count(*) AS size, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL',
    values: [],
  });
  const row = rows[0];
  return { size: Number(row?.size ?? 0), oldestAgeSeconds: row?.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0 };
}
