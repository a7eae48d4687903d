// The storage port of the use cases; storage/notifications.ts and storage/numberedInsert.ts implement it with SQL.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';
import type { BatchDecision, RecordedKeys } from '../domain/statusChangeBatch';

export interface StoredNotification extends Notification {
  /** Insertion order, the tie-breaker of the history's order. */
  seq: number;
  /** Delivery attempts started so far (a claim counts as one); also the claim's fencing token. */
  deliveryAttempts: number;
}

/** Where a page of a user's history ends: the next page starts after it. */
export interface PageCursor {
  createdAt: Date;
  seq: number;
}

/** The database refused the values themselves (out of range, not storable text): storing them again cannot succeed. */
export class RejectedByStorageError extends Error {
  readonly code = 'REJECTED_BY_STORAGE';
  constructor(
    reason: string,
    readonly sqlState: string,
  ) {
    super(reason);
    this.name = 'RejectedByStorageError';
  }
}

/** What became of a numbered event, and the order's latest version before it (0: none recorded). */
export interface NumberedInsert {
  stored: 'latest' | 'superseded' | 'duplicate';
  previousLatest: number;
}

/** A notification of a batch insert with what the batch's plan makes of it. */
export interface BatchRow {
  notification: Notification;
  decision: BatchDecision['kind'];
}

/** How a claimed delivery ended: accepted by the channel, or to be tried again at `at`. */
export type DeliveryOutcome =
  | { kind: 'delivered'; eventId: string; at: Date }
  /** Only while the row is still under the claim that made `deliveryAttempts` what it is. */
  | { kind: 'retry'; eventId: string; deliveryAttempts: number; at: Date };

export interface NotificationsStore {
  /** Inserts an unnumbered event (version 0) unless a row with the same event id exists; true when it inserted. */
  insert(db: Queryable, notification: Notification): Promise<boolean>;
  /**
   * Inserts a numbered event unless its event id, or its order and version, is recorded, and raises the order's latest
   * version to it, all under the order's row lock. An event below the order's latest is stored superseded: kept so
   * that it stays a duplicate, neither listed nor delivered.
   */
  insertNumbered(db: Queryable, notification: Notification): Promise<NumberedInsert>;
  /**
   * Locks the version rows of these orders (made at 0 where missing) until the transaction ends and returns each
   * one's latest version; `orderIds` ascending.
   */
  lockOrderVersions(tx: Queryable, orderIds: number[]): Promise<Map<number, number>>;
  /** Which of the notifications' event ids and (order, version) pairs are stored. */
  findRecorded(tx: Queryable, notifications: Notification[]): Promise<RecordedKeys>;
  /**
   * One multi-row insert of the rows not decided duplicates, in the rows' order (a row whose event id was stored meanwhile
   * is skipped), raising the orders' latest versions; returns the event ids inserted. The duplicates' values are sent
   * too, so that the database refuses a batch for any event whose values it would refuse alone.
   */
  insertMany(tx: Queryable, rows: BatchRow[], raisedLatest: ReadonlyMap<number, number>): Promise<Set<string>>;
  /** Newest first by (createdAt, seq), strictly after `after` when given; superseded rows left out. */
  listByUser(db: Queryable, userId: number, limit: number, after: PageCursor | undefined): Promise<StoredNotification[]>;
  /**
   * Takes up to `limit` undelivered rows due at `now`, each the oldest undelivered one of its order, leasing them
   * until `leaseUntil` so no other worker takes them.
   */
  claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<StoredNotification[]>;
  /** One statement for the whole list; an outcome of a row delivered meanwhile, or claimed again, changes nothing. */
  recordDeliveryOutcomes(db: Queryable, outcomes: DeliveryOutcome[]): Promise<void>;
}
