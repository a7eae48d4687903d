import { describe, expect, it } from 'vitest';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../domain/statusChange';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from '../domain/notification';
import { recordStatusChange, type RecordStatusChangeDeps } from './recordStatusChange';

const event: StatusChangeCandidate = {
  eventId: '0b6a3c1e-8a55-4c6e-9d3f-2f1e0a9b8c7d',
  orderId: 42,
  userId: 7,
  status: 'CANCELLED',
  occurredAt: new Date('2025-01-01T00:00:00Z'),
  version: 0,
};
let ids = 0;
const numbered = (version: number, status = 'AWAITING_PAYMENT'): StatusChangeCandidate => ({
  ...event,
  eventId: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  status,
  version,
});

function setUp() {
  const notifications = inMemoryNotificationsStore();
  const orderVersions = { latest: notifications.latest };
  const counts = { recorded: 0, deduplicated: 0, gaps: 0, superseded: 0 };
  const handedOn: Notification[] = [];
  const db = { query: async () => ({ rows: [], rowCount: 0 }) };
  const deps: RecordStatusChangeDeps = {
    db,
    notifications,
    metrics: {
      recorded: () => counts.recorded++,
      deduplicated: () => counts.deduplicated++,
      versionGap: () => counts.gaps++,
      superseded: () => counts.superseded++,
    },
    onRecorded: (n: Notification) => handedOn.push(n),
  };
  const listed = async () => (await notifications.listByUser(db, event.userId, 100, undefined)).map((n) => n.version);
  return { deps, notifications, orderVersions, counts, handedOn, listed };
}

describe('recordStatusChange', () => {
  it('stores a new event as an undelivered notification and hands it on for delivery', async () => {
    const { deps, notifications, counts, handedOn } = setUp();
    const now = new Date('2025-01-01T00:00:01Z');
    expect(await recordStatusChange(deps, event, now)).toBe('recorded');
    expect(notifications.rows.get(event.eventId)).toMatchObject({ message: 'Order 42 is cancelled', createdAt: now, deliveredAt: null });
    expect(handedOn.map((n) => n.eventId)).toEqual([event.eventId]);
    expect(counts).toMatchObject({ recorded: 1, deduplicated: 0 });
  });

  it('treats the same event again as a no-op and counts it as deduplicated', async () => {
    const { deps, notifications, counts, handedOn } = setUp();
    await recordStatusChange(deps, event, new Date());
    expect(await recordStatusChange(deps, event, new Date())).toBe('duplicate');
    expect(notifications.rows.size).toBe(1);
    expect(handedOn).toHaveLength(1);
    expect(counts).toMatchObject({ recorded: 1, deduplicated: 1 });
  });

  it('refuses an invalid event without storing anything', async () => {
    const { deps, notifications } = setUp();
    await expect(recordStatusChange(deps, { ...event, orderId: 0 }, new Date())).rejects.toBeInstanceOf(InvalidStatusChangeError);
    expect(notifications.rows.size).toBe(0);
  });

  it('lets a storage failure propagate so that the event is retried, not acknowledged', async () => {
    const { deps } = setUp();
    deps.notifications.insert = async () => {
      throw new Error('connection terminated');
    };
    await expect(recordStatusChange(deps, event, new Date())).rejects.toThrow('connection terminated');
  });
});

describe('recordStatusChange with versions', () => {
  it('records versions in order without counting a gap, and moves the order to its latest version', async () => {
    const { deps, orderVersions, counts, listed } = setUp();
    for (const v of [1, 2]) expect(await recordStatusChange(deps, numbered(v), new Date())).toBe('recorded');
    expect(orderVersions.latest.get(42)).toBe(2);
    expect(await listed()).toEqual([2, 1]);
    expect(counts).toMatchObject({ recorded: 2, gaps: 0, superseded: 0 });
  });

  it('counts a gap once for an event that skips versions, also for a first event after version 1', async () => {
    const { deps, counts } = setUp();
    await recordStatusChange(deps, numbered(1), new Date());
    expect(await recordStatusChange(deps, numbered(4), new Date())).toBe('recorded');
    expect(counts.gaps).toBe(1);
    await recordStatusChange(deps, { ...numbered(3), orderId: 43 }, new Date());
    expect(counts.gaps).toBe(2);
  });

  it('keeps an older event that arrives after a newer one out of the history and out of delivery', async () => {
    const { deps, notifications, orderVersions, counts, handedOn, listed } = setUp();
    const paid = numbered(2, 'PAYED');
    const awaiting = numbered(1, 'AWAITING_PAYMENT');
    await recordStatusChange(deps, paid, new Date());
    expect(await recordStatusChange(deps, awaiting, new Date())).toBe('superseded');
    expect(await listed()).toEqual([2]);
    expect(orderVersions.latest.get(42)).toBe(2);
    expect(notifications.rows.get(awaiting.eventId)).toMatchObject({ superseded: true, nextAttemptAt: null });
    expect(handedOn.map((n) => n.eventId)).toEqual([paid.eventId]);
    expect(counts).toMatchObject({ recorded: 1, superseded: 1, deduplicated: 0 });
    // Once kept, the late event is a duplicate like any other.
    expect(await recordStatusChange(deps, awaiting, new Date())).toBe('duplicate');
  });

  it('deduplicates an event by its order and version even when it comes with another event id', async () => {
    const { deps, counts, listed } = setUp();
    await recordStatusChange(deps, numbered(1), new Date());
    expect(await recordStatusChange(deps, numbered(1), new Date())).toBe('duplicate');
    expect(await listed()).toEqual([1]);
    expect(counts).toMatchObject({ recorded: 1, deduplicated: 1, superseded: 0 });
  });

  it('records an unnumbered event (version 0) as it comes, even after numbered ones', async () => {
    const { deps, orderVersions, counts, listed } = setUp();
    await recordStatusChange(deps, numbered(3), new Date());
    expect(await recordStatusChange(deps, numbered(0), new Date())).toBe('recorded');
    expect(await listed()).toEqual([0, 3]);
    expect(orderVersions.latest.get(42)).toBe(3);
    expect(counts).toMatchObject({ recorded: 2, superseded: 0 });
  });
});
