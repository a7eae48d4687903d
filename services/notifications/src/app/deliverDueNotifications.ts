// Delivers the notifications that are due through the channel; a failure is rescheduled, never dropped.
import type { Logger, Queryable } from '@shop/platform';
import { nextAttemptAt, type RedeliveryPolicy } from '../domain/deliverySchedule';
import type { Notification } from '../domain/notification';
import type { NotificationsStore } from './notificationsStore';

export interface DeliveryChannel {
  readonly name: string;
  /** Resolves once the channel accepted the notification; rejects when it gave up (after its own bounded retries). */
  deliver(notification: Notification, signal: AbortSignal): Promise<void>;
}

export interface DeliverDueDeps {
  db: Queryable;
  notifications: Pick<NotificationsStore, 'claimDue' | 'markDelivered' | 'scheduleRetry'>;
  channel: DeliveryChannel;
  metrics: { delivered(channel: string): void; deliveryFailed(channel: string): void };
  logger: Logger;
  clock: () => Date;
  redelivery: RedeliveryPolicy;
  /** How long a claimed row is left alone by other workers: longer than one delivery with all its retries. */
  leaseMs: number;
  batchSize: number;
}

/** Returns how many notifications it claimed (a full batch means more may be due). */
export async function deliverDueNotifications(deps: DeliverDueDeps, signal: AbortSignal): Promise<number> {
  const now = deps.clock();
  const due = await deps.notifications.claimDue(deps.db, now, new Date(now.getTime() + deps.leaseMs), deps.batchSize);
  for (const notification of due) {
    // Rows not tried yet stay leased and are picked up again once the lease ends.
    if (signal.aborted) break;
    try {
      await deps.channel.deliver(notification, signal);
    } catch (err) {
      const retryAt = nextAttemptAt(deps.clock(), notification.deliveryAttempts, deps.redelivery);
      await deps.notifications.scheduleRetry(deps.db, notification.eventId, retryAt);
      deps.metrics.deliveryFailed(deps.channel.name);
      deps.logger.warn(
        {
          event_id: notification.eventId,
          channel: deps.channel.name,
          attempts: notification.deliveryAttempts,
          retry_at: retryAt,
          err: (err as Error).message,
        },
        'notification not delivered; will retry',
      );
      continue;
    }
    await deps.notifications.markDelivered(deps.db, notification.eventId, deps.clock());
    deps.metrics.delivered(deps.channel.name);
  }
  return due.length;
}
