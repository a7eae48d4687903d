// The one statement that records a numbered event: raise the order's latest version (order_versions) and insert the
// notification, superseded when the order's latest is above it. domain/orderVersion.ts states the same rule.
import type { Queryable } from '@shop/platform';
import type { NumberedInsert } from '../app/ports';
import type { Notification } from '../domain/notification';
import { refusingValues } from './databaseRefusal';

// INSERT … ON CONFLICT DO UPDATE locks the order's row and works on its latest committed version, so two statements
// for one order (two consumers during a rebalance) are applied one after the other, the first event of an order too.
// An event id already recorded proposes nothing: a redelivery with another version cannot move the latest.
const raiseLatest = `
  INSERT INTO order_versions AS ov (order_id, latest_version)
  VALUES ($3, CASE WHEN EXISTS (SELECT 1 FROM notifications WHERE event_id = $1) THEN 0 ELSE $9 END)
  ON CONFLICT (order_id) DO UPDATE SET latest_version = GREATEST(ov.latest_version, EXCLUDED.latest_version)
  RETURNING latest_version`;

// Equal to the latest is not superseded: either this event raised it, or that version is recorded and the insert is a
// duplicate (no conflict target: the event id and the order's version are both unique).
const insertNotification = `
  INSERT INTO notifications
    (event_id, user_id, order_id, status, message, occurred_at, traceparent, created_at, version, superseded, next_attempt_at)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $9 < latest.latest_version,
         CASE WHEN $9 < latest.latest_version THEN NULL ELSE $8::timestamptz END
  FROM latest
  ON CONFLICT DO NOTHING
  RETURNING superseded`;

export async function insertNumbered(db: Queryable, n: Notification): Promise<NumberedInsert> {
  const result = await refusingValues(() =>
    db.query<{ previous_latest: string | null; superseded: boolean | null }>({
      name: 'notifications_insert_numbered',
      // `prior` reads the statement's snapshot: exact unless another statement for the order ran at the same time,
      // and then only the gap count can be off, never what is listed.
      text: `WITH prior AS (SELECT latest_version FROM order_versions WHERE order_id = $3),
             latest AS (${raiseLatest}),
             inserted AS (${insertNotification})
             SELECT (SELECT latest_version FROM prior) AS previous_latest, (SELECT superseded FROM inserted) AS superseded`,
      values: [n.eventId, n.userId, n.orderId, n.status, n.message, n.occurredAt, n.traceparent ?? null, n.createdAt, n.version],
    }),
  );
  const row = result.rows[0];
  const stored = row?.superseded === null || row?.superseded === undefined ? 'duplicate' : row.superseded ? 'superseded' : 'latest';
  return { stored, previousLatest: Number(row?.previous_latest ?? 0) };
}
