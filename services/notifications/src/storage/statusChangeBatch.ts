// SQL that records a batch of events in one transaction: lock the orders' version rows, read what is stored of the
// batch, then one multi-row insert (domain/statusChangeBatch.ts decides each row in between).
import type { Queryable } from '@shop/platform';
import type { BatchRow } from '../app/ports';
import type { Notification } from '../domain/notification';
import { orderVersionKey, type RecordedKeys } from '../domain/statusChangeBatch';
import { refusingValues } from './databaseRefusal';

/** `orderIds` ascending: every batch takes the row locks in one order, so two consumers of one order cannot deadlock. */
export async function lockOrderVersions(tx: Queryable, orderIds: number[]): Promise<Map<number, number>> {
  // DO UPDATE (not DO NOTHING) so that an existing row is locked too, and read at its latest committed version.
  const result = await tx.query<{ order_id: string; latest_version: string }>({
    name: 'notifications_lock_order_versions',
    text: `INSERT INTO order_versions AS ov (order_id, latest_version)
           SELECT order_id, 0 FROM unnest($1::bigint[]) AS o(order_id) ORDER BY order_id
           ON CONFLICT (order_id) DO UPDATE SET latest_version = ov.latest_version
           RETURNING order_id, latest_version`,
    values: [orderIds],
  });
  return new Map(result.rows.map((r) => [Number(r.order_id), Number(r.latest_version)]));
}

/** Run after lockOrderVersions: a statement of its own, so that it sees what the lock's previous holder committed. */
export async function findRecorded(tx: Queryable, notifications: Notification[]): Promise<RecordedKeys> {
  const numbered = notifications.filter((n) => n.version > 0);
  const result = await tx.query<{ event_id: string; order_id: string; version: string }>({
    name: 'notifications_find_recorded',
    text: `SELECT event_id::text, order_id, version FROM notifications
           WHERE event_id = ANY($1::uuid[])
              OR (version > 0 AND (order_id, version) IN (SELECT * FROM unnest($2::bigint[], $3::bigint[])))`,
    values: [notifications.map((n) => n.eventId), numbered.map((n) => n.orderId), numbered.map((n) => n.version)],
  });
  return {
    eventIds: new Set(result.rows.map((r) => r.event_id)),
    orderVersions: new Set(result.rows.filter((r) => r.version !== '0').map((r) => orderVersionKey(Number(r.order_id), Number(r.version)))),
  };
}

// ORDER BY position: rows get their seq (the history's tie-breaker, the delivery order within an order) in batch order.
// ON CONFLICT DO NOTHING skips an unnumbered event another consumer stored meanwhile (no lock covers those).
const insertManyText = `
  WITH batch AS (
    SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                         $8::timestamptz[], $9::bigint[], $10::boolean[], $11::boolean[]) WITH ORDINALITY
      AS b(event_id, user_id, order_id, status, message, occurred_at, traceparent, created_at, version, superseded, stored, position)
  ),
  inserted AS (
    INSERT INTO notifications
      (event_id, user_id, order_id, status, message, occurred_at, traceparent, created_at, version, superseded, next_attempt_at)
    SELECT event_id, user_id, order_id, status, message, occurred_at, traceparent, created_at, version, superseded,
           CASE WHEN superseded THEN NULL ELSE created_at END
    FROM batch WHERE stored ORDER BY position
    ON CONFLICT DO NOTHING
    RETURNING event_id
  ),
  raised AS (
    UPDATE order_versions ov SET latest_version = r.latest_version
    FROM unnest($12::bigint[], $13::bigint[]) AS r(order_id, latest_version)
    WHERE ov.order_id = r.order_id AND ov.latest_version < r.latest_version
  )
  SELECT event_id::text FROM inserted`;

export async function insertMany(tx: Queryable, rows: BatchRow[], raisedLatest: ReadonlyMap<number, number>): Promise<Set<string>> {
  const column = <T>(value: (row: BatchRow) => T) => rows.map(value);
  const result = await refusingValues(() =>
    tx.query<{ event_id: string }>({
      name: 'notifications_insert_many',
      text: insertManyText,
      values: [
        column((r) => r.notification.eventId),
        column((r) => r.notification.userId),
        column((r) => r.notification.orderId),
        column((r) => r.notification.status),
        column((r) => r.notification.message),
        column((r) => r.notification.occurredAt),
        column((r) => r.notification.traceparent ?? null),
        column((r) => r.notification.createdAt),
        column((r) => r.notification.version),
        column((r) => r.decision === 'superseded'),
        column((r) => r.decision !== 'duplicate'),
        [...raisedLatest.keys()],
        [...raisedLatest.values()],
      ],
    }),
  );
  return new Set(result.rows.map((r) => r.event_id));
}
