// Records an order status event once (a redelivered event is a no-op) and hands it on for delivery, unless a newer
// event of its order is already recorded: then it is kept only so that it stays a duplicate, never shown as the latest.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';
import { placeOf } from '../domain/orderVersion';
import { notificationOf, validateStatusChange, type StatusChangeCandidate } from '../domain/statusChange';
import type { NotificationsStore } from './ports';

export interface RecordStatusChangeDeps {
  db: Queryable;
  notifications: Pick<NotificationsStore, 'insert' | 'insertNumbered'>;
  metrics: {
    recorded(): void;
    deduplicated(): void;
    /** An event was recorded while versions of its order before it had not arrived. */
    versionGap(): void;
    /** An event older than its order's latest recorded version arrived. */
    superseded(): void;
  };
  /** Called once the row is stored; starts delivery without waiting for it, so a slow channel never holds the partition. */
  onRecorded(notification: Notification): void;
}

export type RecordOutcome = 'recorded' | 'superseded' | 'duplicate';

/**
 * Throws InvalidStatusChangeError for an event that breaks the contract and RejectedByStorageError for values the
 * database refuses; other storage errors propagate so that the event is retried.
 */
export async function recordStatusChange(
  deps: RecordStatusChangeDeps,
  candidate: StatusChangeCandidate,
  now: Date,
): Promise<RecordOutcome> {
  const notification = notificationOf(validateStatusChange(candidate), now);
  const outcome = notification.version === 0 ? await recordUnnumbered(deps, notification) : await recordNumbered(deps, notification);
  if (outcome === 'duplicate') deps.metrics.deduplicated();
  else if (outcome === 'superseded') deps.metrics.superseded();
  else {
    deps.metrics.recorded();
    deps.onRecorded(notification);
  }
  return outcome;
}

async function recordUnnumbered(deps: RecordStatusChangeDeps, notification: Notification): Promise<RecordOutcome> {
  return (await deps.notifications.insert(deps.db, notification)) ? 'recorded' : 'duplicate';
}

/** One statement: the order's latest version is compared and raised under its row lock (placeOf's rule, in SQL). */
async function recordNumbered(deps: RecordStatusChangeDeps, notification: Notification): Promise<RecordOutcome> {
  const { stored, previousLatest } = await deps.notifications.insertNumbered(deps.db, notification);
  if (stored === 'duplicate') return 'duplicate';
  if (stored === 'superseded') return 'superseded';
  if (placeOf(notification.version, previousLatest).kind === 'after-gap') deps.metrics.versionGap();
  return 'recorded';
}
