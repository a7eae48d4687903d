// The notifications table in memory, with the same ordering, dedup and lease rules as storage/notifications.ts.
import type { NotificationsStore, StoredNotification } from '../../src/app/notificationsStore';

export interface InMemoryNotificationsStore extends NotificationsStore {
  rows: Map<string, StoredNotification & { nextAttemptAt: Date | null }>;
}

export function inMemoryNotificationsStore(): InMemoryNotificationsStore {
  const rows = new Map<string, StoredNotification & { nextAttemptAt: Date | null }>();
  let seq = 0;
  const newestFirst = (a: StoredNotification, b: StoredNotification) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq;
  return {
    rows,
    insert: async (_db, n) => {
      if (rows.has(n.eventId)) return false;
      rows.set(n.eventId, { ...n, seq: ++seq, deliveryAttempts: 0, nextAttemptAt: n.createdAt });
      return true;
    },
    listByUser: async (_db, userId, limit, after) =>
      [...rows.values()]
        .filter((r) => r.userId === userId)
        .filter((r) => !after || newestFirst(r, { createdAt: after.createdAt, seq: after.seq } as StoredNotification) > 0)
        .sort(newestFirst)
        .slice(0, limit),
    claimDue: async (_db, now, leaseUntil, limit) => {
      const due = [...rows.values()]
        .filter((r) => r.deliveredAt === null && r.nextAttemptAt !== null && r.nextAttemptAt <= now)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
      for (const r of due) {
        r.deliveryAttempts++;
        r.nextAttemptAt = leaseUntil;
      }
      return due.map((r) => ({ ...r }));
    },
    markDelivered: async (_db, eventId, at) => {
      const row = rows.get(eventId);
      if (row && row.deliveredAt === null) Object.assign(row, { deliveredAt: at, nextAttemptAt: null });
    },
    scheduleRetry: async (_db, eventId, at) => {
      const row = rows.get(eventId);
      if (row && row.deliveredAt === null) row.nextAttemptAt = at;
    },
  };
}
