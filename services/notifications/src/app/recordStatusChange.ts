// Records an order status event once (a redelivered event is a no-op) and hands it on for delivery.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';
import { notificationOf, validateStatusChange, type StatusChangeCandidate } from '../domain/statusChange';
import type { NotificationsStore } from './notificationsStore';

export interface RecordStatusChangeDeps {
  db: Queryable;
  notifications: Pick<NotificationsStore, 'insert'>;
  metrics: { recorded(): void; deduplicated(): void };
  /** Called once the row is stored; starts delivery without waiting for it, so a slow channel never holds the partition. */
  onRecorded(notification: Notification): void;
}

export type RecordOutcome = 'recorded' | 'duplicate';

/** Throws InvalidStatusChangeError for an event that breaks the contract; storage errors propagate so the event is retried. */
export async function recordStatusChange(
  deps: RecordStatusChangeDeps,
  candidate: StatusChangeCandidate,
  now: Date,
): Promise<RecordOutcome> {
  const notification = notificationOf(validateStatusChange(candidate), now);
  const inserted = await deps.notifications.insert(deps.db, notification);
  if (!inserted) {
    deps.metrics.deduplicated();
    return 'duplicate';
  }
  deps.metrics.recorded();
  deps.onRecorded(notification);
  return 'recorded';
}
