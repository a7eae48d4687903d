import { describe, expect, it } from 'vitest';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../domain/statusChange';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from '../domain/notification';
import { recordStatusChange } from './recordStatusChange';

const event: StatusChangeCandidate = {
  eventId: '0b6a3c1e-8a55-4c6e-9d3f-2f1e0a9b8c7d',
  orderId: 42,
  userId: 7,
  status: 'CANCELLED',
  occurredAt: new Date('2025-01-01T00:00:00Z'),
};

function setUp() {
  const notifications = inMemoryNotificationsStore();
  const counts = { recorded: 0, deduplicated: 0 };
  const handedOn: Notification[] = [];
  const deps = {
    db: { query: async () => ({ rows: [], rowCount: 0 }) },
    notifications,
    metrics: { recorded: () => counts.recorded++, deduplicated: () => counts.deduplicated++ },
    onRecorded: (n: Notification) => handedOn.push(n),
  };
  return { deps, notifications, counts, handedOn };
}

describe('recordStatusChange', () => {
  it('stores a new event as an undelivered notification and hands it on for delivery', async () => {
    const { deps, notifications, counts, handedOn } = setUp();
    const now = new Date('2025-01-01T00:00:01Z');
    expect(await recordStatusChange(deps, event, now)).toBe('recorded');
    expect(notifications.rows.get(event.eventId)).toMatchObject({ message: 'Order 42 is cancelled', createdAt: now, deliveredAt: null });
    expect(handedOn.map((n) => n.eventId)).toEqual([event.eventId]);
    expect(counts).toEqual({ recorded: 1, deduplicated: 0 });
  });

  it('treats the same event again as a no-op and counts it as deduplicated', async () => {
    const { deps, notifications, counts, handedOn } = setUp();
    await recordStatusChange(deps, event, new Date());
    expect(await recordStatusChange(deps, event, new Date())).toBe('duplicate');
    expect(notifications.rows.size).toBe(1);
    expect(handedOn).toHaveLength(1);
    expect(counts).toEqual({ recorded: 1, deduplicated: 1 });
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
