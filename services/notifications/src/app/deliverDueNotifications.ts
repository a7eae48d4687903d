// Delivers the notifications that are due through the channel; a failure is rescheduled, never dropped.
// A claimed notification is delivered at once (the worker claims only what it has room for), so its lease needs
// to outlast one delivery, which is abandoned when it runs past `deliveryTimeoutMs`.
import type { Logger, Queryable } from '@shop/platform';
import { nextAttemptAt, type RedeliveryPolicy } from '../domain/deliverySchedule';
import type { Notification } from '../domain/notification';
import type { DeliveryOutcome, NotificationsStore, StoredNotification } from './ports';

export interface DeliveryChannel {
  readonly name: string;
  /** Resolves once the channel accepted the notification; rejects when it gave up (after its own bounded retries). */
  deliver(notification: Notification, signal: AbortSignal): Promise<void>;
}

export interface DeliverDueDeps {
  db: Queryable;
  notifications: Pick<NotificationsStore, 'claimDue'>;
  /** Stores how a delivery ended; resolves once it is stored (outcomes that end together share one statement). */
  recordOutcome(outcome: DeliveryOutcome): Promise<void>;
  channel: DeliveryChannel;
  metrics: { delivered(channel: string): void; deliveryFailed(channel: string): void };
  logger: Logger;
  clock: () => Date;
  redelivery: RedeliveryPolicy;
  /** Longest one delivery may take, the channel's own retries included; it is abandoned (and retried later) then. */
  deliveryTimeoutMs: number;
  /** How long a claimed row is left alone by other workers: longer than `deliveryTimeoutMs`. */
  leaseMs: number;
}

/** Leases up to `limit` due notifications to this worker, which must start delivering each of them now. */
export function claimDueNotifications(deps: DeliverDueDeps, limit: number): Promise<StoredNotification[]> {
  const now = deps.clock();
  return deps.notifications.claimDue(deps.db, now, new Date(now.getTime() + deps.leaseMs), limit);
}

/** Delivers one claimed notification and records the outcome; `stopping` aborts it and hands it back at once. */
export async function deliverNotification(deps: DeliverDueDeps, notification: StoredNotification, stopping: AbortSignal): Promise<void> {
  const signal = AbortSignal.any([stopping, AbortSignal.timeout(deps.deliveryTimeoutMs)]);
  try {
    // Raced with the signal too, so that a channel that ignores it cannot outlive the lease.
    await Promise.race([deps.channel.deliver(notification, signal), whenAborted(signal)]);
  } catch (err) {
    if (stopping.aborted) {
      // Not the channel's failure: free the row for another replica now rather than at the end of the lease.
      await deps.recordOutcome(retry(notification, deps.clock()));
      return;
    }
    const retryAt = nextAttemptAt(deps.clock(), notification.deliveryAttempts, deps.redelivery);
    await deps.recordOutcome(retry(notification, retryAt));
    deps.metrics.deliveryFailed(deps.channel.name);
    deps.logger.warn(
      {
        event_id: notification.eventId,
        channel: deps.channel.name,
        attempts: notification.deliveryAttempts,
        retry_at: retryAt,
        err: signal.aborted && !stopping.aborted ? `gave up after ${deps.deliveryTimeoutMs} ms` : (err as Error).message,
      },
      'notification not delivered; will retry',
    );
    return;
  }
  await deps.recordOutcome({ kind: 'delivered', eventId: notification.eventId, at: deps.clock() });
  deps.metrics.delivered(deps.channel.name);
}

function retry(notification: StoredNotification, at: Date): DeliveryOutcome {
  return { kind: 'retry', eventId: notification.eventId, deliveryAttempts: notification.deliveryAttempts, at };
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
