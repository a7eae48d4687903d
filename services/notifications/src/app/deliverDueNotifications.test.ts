import { describe, expect, it } from 'vitest';
import { createLogger } from '@shop/platform';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from '../domain/notification';
import { deliverDueNotifications, type DeliverDueDeps } from './deliverDueNotifications';

const t0 = new Date('2025-01-01T00:00:00Z');
const notification = (eventId: string): Notification => ({
  eventId,
  userId: 1,
  orderId: 2,
  status: 'PAYED',
  message: 'Order 2 is paid',
  occurredAt: t0,
  traceparent: undefined,
  createdAt: t0,
  deliveredAt: null,
});

function setUp(accepts: (n: Notification) => boolean) {
  const notifications = inMemoryNotificationsStore();
  let now = t0;
  const sent: string[] = [];
  const counts = { delivered: 0, failed: 0 };
  const deps: DeliverDueDeps = {
    db: { query: async () => ({ rows: [], rowCount: 0 }) },
    notifications,
    channel: {
      name: 'fake',
      deliver: async (n) => {
        sent.push(n.eventId);
        if (!accepts(n)) throw new Error('channel down');
      },
    },
    metrics: { delivered: () => counts.delivered++, deliveryFailed: () => counts.failed++ },
    logger: createLogger('test', 'silent'),
    clock: () => now,
    redelivery: { firstDelayMs: 1_000, maxDelayMs: 60_000 },
    leaseMs: 30_000,
    batchSize: 10,
  };
  return { deps, notifications, sent, counts, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const signal = new AbortController().signal;

describe('deliverDueNotifications', () => {
  it('delivers due notifications in the order they were recorded and marks them delivered', async () => {
    const { deps, notifications, sent, counts } = setUp(() => true);
    await notifications.insert(deps.db, notification('a'));
    await notifications.insert(deps.db, notification('b'));
    expect(await deliverDueNotifications(deps, signal)).toBe(2);
    expect(sent).toEqual(['a', 'b']);
    expect(notifications.rows.get('a')?.deliveredAt).toEqual(t0);
    expect(await deliverDueNotifications(deps, signal)).toBe(0);
    expect(counts).toEqual({ delivered: 2, failed: 0 });
  });

  it('keeps a failed delivery and retries it after a growing delay until the channel accepts', async () => {
    let up = false;
    const { deps, notifications, sent, counts, advance } = setUp(() => up);
    await notifications.insert(deps.db, notification('a'));
    await deliverDueNotifications(deps, signal);
    expect(notifications.rows.get('a')).toMatchObject({ deliveredAt: null, nextAttemptAt: new Date(t0.getTime() + 1_000) });

    advance(1_000);
    await deliverDueNotifications(deps, signal);
    expect(notifications.rows.get('a')?.nextAttemptAt).toEqual(new Date(t0.getTime() + 3_000));
    advance(1_000);
    expect(await deliverDueNotifications(deps, signal)).toBe(0);

    up = true;
    advance(1_000);
    await deliverDueNotifications(deps, signal);
    expect(notifications.rows.get('a')?.deliveredAt).not.toBeNull();
    expect(sent).toEqual(['a', 'a', 'a']);
    expect(counts).toEqual({ delivered: 1, failed: 2 });
  });

  it('leaves a claimed notification alone while its lease lasts', async () => {
    const { deps, notifications, sent } = setUp(() => true);
    await notifications.insert(deps.db, notification('a'));
    await notifications.claimDue(deps.db, t0, new Date(t0.getTime() + 30_000), 10);
    expect(await deliverDueNotifications(deps, signal)).toBe(0);
    expect(sent).toEqual([]);
  });
});
