// The storage port of the use cases; storage/notifications.ts implements it with SQL.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';

export interface StoredNotification extends Notification {
  /** Insertion order, the tie-breaker of the history's order. */
  seq: number;
  /** Delivery attempts started so far (a claim counts as one). */
  deliveryAttempts: number;
}

/** Where a page of a user's history ends: the next page starts after it. */
export interface PageCursor {
  createdAt: Date;
  seq: number;
}

export interface NotificationsStore {
  /** Inserts unless a row with the same event id exists; true when it inserted. */
  insert(db: Queryable, notification: Notification): Promise<boolean>;
  /** Newest first by (createdAt, seq), strictly after `after` when given. */
  listByUser(db: Queryable, userId: number, limit: number, after: PageCursor | undefined): Promise<StoredNotification[]>;
  /** Takes up to `limit` undelivered rows due at `now`, leasing them until `leaseUntil` so no other worker takes them. */
  claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<StoredNotification[]>;
  markDelivered(db: Queryable, eventId: string, deliveredAt: Date): Promise<void>;
  scheduleRetry(db: Queryable, eventId: string, nextAttemptAt: Date): Promise<void>;
}
