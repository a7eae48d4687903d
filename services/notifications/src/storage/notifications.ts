// SQL for the notifications table: record once (numbered events: numberedInsert.ts; batches: statusChangeBatch.ts), page a
// user's history, lease undelivered rows and record how their deliveries ended.
// The statements of every event are named (prepared once per connection, not parsed and planned per call).
import type { Queryable } from '@shop/platform';
import type { DeliveryOutcome, NotificationsStore, PageCursor, StoredNotification } from '../app/ports';
import type { Notification, NotifiedStatus } from '../domain/notification';
import { refusingValues } from './databaseRefusal';
import { insertNumbered } from './numberedInsert';
import { findRecorded, insertMany, lockOrderVersions } from './statusChangeBatch';

interface NotificationRow {
  event_id: string;
  seq: string;
  user_id: string;
  order_id: string;
  status: NotifiedStatus;
  message: string;
  occurred_at: Date;
  version: string;
  traceparent: string | null;
  created_at: Date;
  delivered_at: Date | null;
  delivery_attempts: number;
}

const columns = `event_id, seq, user_id, order_id, status, message, occurred_at, version, traceparent, created_at, delivered_at, delivery_attempts`;

/** An unnumbered event (version 0): recorded as it comes, once per event id. */
export async function insert(db: Queryable, n: Notification): Promise<boolean> {
  const result = await refusingValues(() =>
    db.query({
      name: 'notifications_insert',
      text: `INSERT INTO notifications (event_id, user_id, order_id, status, message, occurred_at, traceparent, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
             ON CONFLICT (event_id) DO NOTHING`,
      values: [n.eventId, n.userId, n.orderId, n.status, n.message, n.occurredAt, n.traceparent ?? null, n.createdAt],
    }),
  );
  return result.rowCount === 1;
}

export async function listByUser(
  db: Queryable,
  userId: number,
  limit: number,
  after: PageCursor | undefined,
): Promise<StoredNotification[]> {
  const result = await db.query<NotificationRow>(
    `SELECT ${columns} FROM notifications
     WHERE user_id = $1 AND NOT superseded AND ($2::timestamptz IS NULL OR (created_at, seq) < ($2::timestamptz, $3::bigint))
     ORDER BY created_at DESC, seq DESC
     LIMIT $4`,
    [userId, after?.createdAt ?? null, after?.seq ?? 0, limit],
  );
  return result.rows.map(fromRow);
}

export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<StoredNotification[]> {
  // SKIP LOCKED lets several replicas claim at once; the lease keeps a claimed row theirs while they deliver.
  // A row whose order has an older undelivered one waits for it, so that an order's notifications go out in order.
  const result = await db.query<NotificationRow>({
    name: 'notifications_claim_due',
    text: `WITH due AS (
       SELECT event_id FROM notifications n
       WHERE delivered_at IS NULL AND next_attempt_at <= $1
         AND NOT EXISTS (
           SELECT 1 FROM notifications older
           WHERE older.order_id = n.order_id AND older.seq < n.seq AND older.delivered_at IS NULL AND NOT older.superseded
         )
       ORDER BY next_attempt_at, seq
       LIMIT $3
       FOR UPDATE OF n SKIP LOCKED
     )
     UPDATE notifications n SET next_attempt_at = $2, delivery_attempts = n.delivery_attempts + 1
     FROM due WHERE n.event_id = due.event_id
     RETURNING ${columns
       .split(', ')
       .map((c) => `n.${c}`)
       .join(', ')}`,
    values: [now, leaseUntil, limit],
  });
  return result.rows.map(fromRow).sort((a, b) => a.seq - b.seq);
}

export async function recordDeliveryOutcomes(db: Queryable, outcomes: DeliveryOutcome[]): Promise<void> {
  // A retry only while the row is under the claim that made its attempts what they are: a worker whose claim was taken
  // over (its lease ran out) must not move the new holder's lease. DISTINCT ON: one outcome a row, delivered first.
  await db.query({
    name: 'notifications_record_delivery_outcomes',
    text: `UPDATE notifications n
           SET delivered_at = CASE WHEN o.delivered THEN o.at ELSE NULL END,
               next_attempt_at = CASE WHEN o.delivered THEN NULL ELSE o.at END
           FROM (SELECT DISTINCT ON (event_id) *
                 FROM unnest($1::uuid[], $2::boolean[], $3::integer[], $4::timestamptz[]) AS o(event_id, delivered, delivery_attempts, at)
                 ORDER BY event_id, delivered DESC) o
           WHERE n.event_id = o.event_id AND n.delivered_at IS NULL AND (o.delivered OR n.delivery_attempts = o.delivery_attempts)`,
    values: [
      outcomes.map((o) => o.eventId),
      outcomes.map((o) => o.kind === 'delivered'),
      outcomes.map((o) => (o.kind === 'retry' ? o.deliveryAttempts : null)),
      outcomes.map((o) => o.at),
    ],
  });
}

export const notificationsStore: NotificationsStore = {
  insert,
  insertNumbered,
  lockOrderVersions,
  findRecorded,
  insertMany,
  listByUser,
  claimDue,
  recordDeliveryOutcomes,
};

function fromRow(row: NotificationRow): StoredNotification {
  return {
    eventId: row.event_id,
    seq: Number(row.seq),
    userId: Number(row.user_id),
    orderId: Number(row.order_id),
    status: row.status,
    message: row.message,
    occurredAt: row.occurred_at,
    version: Number(row.version),
    traceparent: row.traceparent ?? undefined,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    deliveryAttempts: row.delivery_attempts,
  };
}
