// The notifications and order_versions tables in memory, with the same ordering, dedup and lease rules as storage/.
import type { NotificationsStore, StoredNotification } from '../../src/app/ports';
import type { Notification } from '../../src/domain/notification';
import { becomesLatest, placeOf } from '../../src/domain/orderVersion';
import { orderVersionKey } from '../../src/domain/statusChangeBatch';

export type InMemoryRow = StoredNotification & { nextAttemptAt: Date | null; superseded: boolean };

export interface InMemoryNotificationsStore extends NotificationsStore {
  rows: Map<string, InMemoryRow>;
  /** order_versions: the highest version recorded per order. */
  latest: Map<number, number>;
}

export function inMemoryNotificationsStore(): InMemoryNotificationsStore {
  const rows = new Map<string, InMemoryRow>();
  const latest = new Map<number, number>();
  let seq = 0;
  const add = (n: Notification, superseded: boolean) =>
    rows.set(n.eventId, { ...n, seq: ++seq, deliveryAttempts: 0, nextAttemptAt: superseded ? null : n.createdAt, superseded });
  const newestFirst = (a: StoredNotification, b: StoredNotification) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq;
  const hasOlderUndelivered = (r: InMemoryRow) =>
    [...rows.values()].some((o) => o.orderId === r.orderId && o.seq < r.seq && o.deliveredAt === null && !o.superseded);
  return {
    rows,
    latest,
    insert: async (_db, n) => {
      if (rows.has(n.eventId)) return false;
      add(n, false);
      return true;
    },
    insertNumbered: async (_db, n) => {
      const previousLatest = latest.get(n.orderId) ?? 0;
      const sameVersion = [...rows.values()].some((r) => r.orderId === n.orderId && r.version === n.version);
      if (rows.has(n.eventId) || sameVersion) return { stored: 'duplicate', previousLatest };
      const isLatest = becomesLatest(placeOf(n.version, previousLatest));
      add(n, !isLatest);
      if (isLatest) latest.set(n.orderId, n.version);
      return { stored: isLatest ? 'latest' : 'superseded', previousLatest };
    },
    lockOrderVersions: async (_tx, orderIds) => {
      for (const id of orderIds) if (!latest.has(id)) latest.set(id, 0);
      return new Map(orderIds.map((id) => [id, latest.get(id) ?? 0]));
    },
    findRecorded: async (_tx, batch) => {
      const ids = new Set(batch.map((n) => n.eventId));
      const keys = new Set(batch.filter((n) => n.version > 0).map((n) => orderVersionKey(n.orderId, n.version)));
      const found = [...rows.values()].filter(
        (r) => ids.has(r.eventId) || (r.version > 0 && keys.has(orderVersionKey(r.orderId, r.version))),
      );
      return {
        eventIds: new Set(found.map((r) => r.eventId)),
        orderVersions: new Set(found.filter((r) => r.version > 0).map((r) => orderVersionKey(r.orderId, r.version))),
      };
    },
    insertMany: async (_tx, batch, raisedLatest) => {
      const inserted = new Set<string>();
      for (const { notification: n, decision } of batch) {
        if (decision === 'duplicate') continue;
        const sameVersion = n.version > 0 && [...rows.values()].some((r) => r.orderId === n.orderId && r.version === n.version);
        if (rows.has(n.eventId) || sameVersion) continue;
        add(n, decision === 'superseded');
        inserted.add(n.eventId);
      }
      for (const [orderId, version] of raisedLatest) if ((latest.get(orderId) ?? 0) < version) latest.set(orderId, version);
      return inserted;
    },
    listByUser: async (_db, userId, limit, after) =>
      [...rows.values()]
        .filter((r) => r.userId === userId && !r.superseded)
        .filter((r) => !after || newestFirst(r, { createdAt: after.createdAt, seq: after.seq } as StoredNotification) > 0)
        .sort(newestFirst)
        .slice(0, limit),
    claimDue: async (_db, now, leaseUntil, limit) => {
      const due = [...rows.values()]
        .filter((r) => r.deliveredAt === null && r.nextAttemptAt !== null && r.nextAttemptAt <= now && !hasOlderUndelivered(r))
        .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0) || a.seq - b.seq)
        .slice(0, limit);
      for (const r of due) {
        r.deliveryAttempts++;
        r.nextAttemptAt = leaseUntil;
      }
      return due.map(({ nextAttemptAt: _n, superseded: _s, ...r }) => ({ ...r }));
    },
    recordDeliveryOutcomes: async (_db, outcomes) => {
      for (const outcome of outcomes) {
        const row = rows.get(outcome.eventId);
        if (!row || row.deliveredAt !== null) continue;
        if (outcome.kind === 'delivered') Object.assign(row, { deliveredAt: outcome.at, nextAttemptAt: null });
        else if (row.deliveryAttempts === outcome.deliveryAttempts) row.nextAttemptAt = outcome.at;
      }
    },
  };
}
