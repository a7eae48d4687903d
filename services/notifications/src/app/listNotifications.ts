// A user's notification history, newest first, one page at a time.
import type { Queryable } from '@shop/platform';
import type { NotificationsStore, PageCursor, StoredNotification } from './ports';

export interface ListNotificationsDeps {
  db: Queryable;
  notifications: Pick<NotificationsStore, 'listByUser'>;
}

export interface ListNotificationsInput {
  userId: number;
  pageSize: number;
  after: PageCursor | undefined;
}

export interface NotificationsPage {
  notifications: StoredNotification[];
  /** Present when there may be more: where the next page starts. */
  next: PageCursor | undefined;
}

export async function listNotifications(deps: ListNotificationsDeps, input: ListNotificationsInput): Promise<NotificationsPage> {
  // One row more than asked tells whether another page exists without a count query.
  const rows = await deps.notifications.listByUser(deps.db, input.userId, input.pageSize + 1, input.after);
  const page = rows.slice(0, input.pageSize);
  const last = page[page.length - 1];
  return {
    notifications: page,
    next: rows.length > input.pageSize && last ? { createdAt: last.createdAt, seq: last.seq } : undefined,
  };
}
