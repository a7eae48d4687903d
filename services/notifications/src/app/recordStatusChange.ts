// Records an order status event once (a redelivered event is a no-op) and hands it on for delivery, unless a newer
// event of its order is already recorded: then it is kept only so that it stays a duplicate, never shown as the latest.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';
import { becomesLatest, placeOf } from '../domain/orderVersion';
import { notificationOf, validateStatusChange, type StatusChangeCandidate } from '../domain/statusChange';
import type { NotificationsStore, OrderVersionsStore } from './notificationsStore';

export interface RecordStatusChangeDeps {
  db: Queryable;
  inTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  notifications: Pick<NotificationsStore, 'insert'>;
  orderVersions: OrderVersionsStore;
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
  const { outcome, afterGap }: { outcome: RecordOutcome; afterGap: boolean } =
    notification.version === 0
      ? {
          outcome: (await deps.notifications.insert(deps.db, notification, { superseded: false })) ? 'recorded' : 'duplicate',
          afterGap: false,
        }
      : await deps.inTransaction((tx) => recordNumbered(deps, tx, notification));
  // Counted after commit: a transaction that failed is retried and would count twice.
  if (afterGap) deps.metrics.versionGap();
  if (outcome === 'duplicate') deps.metrics.deduplicated();
  else if (outcome === 'superseded') deps.metrics.superseded();
  else {
    deps.metrics.recorded();
    deps.onRecorded(notification);
  }
  return outcome;
}

async function recordNumbered(
  deps: RecordStatusChangeDeps,
  tx: Queryable,
  notification: Notification,
): Promise<{ outcome: RecordOutcome; afterGap: boolean }> {
  // The order stays locked until commit, so two consumers handling its events at once (during a rebalance) cannot interleave.
  const latest = await deps.orderVersions.latestForUpdate(tx, notification.orderId);
  const place = placeOf(notification.version, latest);
  const latestNow = becomesLatest(place);
  if (!(await deps.notifications.insert(tx, notification, { superseded: !latestNow }))) return { outcome: 'duplicate', afterGap: false };
  if (!latestNow) return { outcome: 'superseded', afterGap: false };
  await deps.orderVersions.setLatest(tx, notification.orderId, notification.version);
  return { outcome: 'recorded', afterGap: place.kind === 'after-gap' };
}
