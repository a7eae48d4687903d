import { describe, expect, it } from 'vitest';
import { createLogger } from '@shop/platform';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from '../domain/notification';
import { claimDueNotifications, deliverNotification, type DeliverDueDeps, type DeliveryChannel } from './deliverDueNotifications';

const t0 = new Date('2025-01-01T00:00:00Z');
const notification = (eventId: string, orderId = 2): Notification => ({
  eventId,
  userId: 1,
  orderId,
  status: 'PAYED',
  message: `Order ${orderId} is paid`,
  occurredAt: t0,
  version: 0,
  traceparent: undefined,
  createdAt: t0,
  deliveredAt: null,
});

function setUp(deliver: DeliveryChannel['deliver']) {
  const notifications = inMemoryNotificationsStore();
  let now = t0;
  const sent: string[] = [];
  const counts = { delivered: 0, failed: 0 };
  const deps: DeliverDueDeps = {
    db: { query: async () => ({ rows: [], rowCount: 0 }) },
    notifications,
    recordOutcome: (outcome) => notifications.recordDeliveryOutcomes(deps.db, [outcome]),
    channel: {
      name: 'fake',
      deliver: async (n, signal) => {
        sent.push(n.eventId);
        await deliver(n, signal);
      },
    },
    metrics: { delivered: () => counts.delivered++, deliveryFailed: () => counts.failed++ },
    logger: createLogger('test', 'silent'),
    clock: () => now,
    redelivery: { firstDelayMs: 1_000, maxDelayMs: 60_000 },
    deliveryTimeoutMs: 200,
    leaseMs: 30_000,
  };
  const deliverAllDue = async (stopping = new AbortController().signal) => {
    const due = await claimDueNotifications(deps, 10);
    await Promise.all(due.map((n) => deliverNotification(deps, n, stopping)));
    return due.length;
  };
  return { deps, notifications, sent, counts, deliverAllDue, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const insert = (store: ReturnType<typeof inMemoryNotificationsStore>, n: Notification) =>
  store.insert({ query: async () => ({ rows: [], rowCount: 0 }) }, n);

describe('delivering due notifications', () => {
  it('delivers due notifications and marks them delivered, once', async () => {
    const { notifications, sent, counts, deliverAllDue } = setUp(async () => undefined);
    await insert(notifications, notification('a', 1));
    await insert(notifications, notification('b', 2));
    expect(await deliverAllDue()).toBe(2);
    expect(sent).toEqual(['a', 'b']);
    expect(notifications.rows.get('a')?.deliveredAt).toEqual(t0);
    expect(await deliverAllDue()).toBe(0);
    expect(counts).toEqual({ delivered: 2, failed: 0 });
  });

  it('keeps a failed delivery and retries it after a growing delay until the channel accepts', async () => {
    let up = false;
    const { notifications, sent, counts, advance, deliverAllDue } = setUp(async () => {
      if (!up) throw new Error('channel down');
    });
    await insert(notifications, notification('a'));
    await deliverAllDue();
    expect(notifications.rows.get('a')).toMatchObject({ deliveredAt: null, nextAttemptAt: new Date(t0.getTime() + 1_000) });

    advance(1_000);
    await deliverAllDue();
    expect(notifications.rows.get('a')?.nextAttemptAt).toEqual(new Date(t0.getTime() + 3_000));
    advance(1_000);
    expect(await deliverAllDue()).toBe(0);

    up = true;
    advance(1_000);
    await deliverAllDue();
    expect(notifications.rows.get('a')?.deliveredAt).not.toBeNull();
    expect(sent).toEqual(['a', 'a', 'a']);
    expect(counts).toEqual({ delivered: 1, failed: 2 });
  });

  it('leaves a claimed notification alone while its lease lasts', async () => {
    const { deps, notifications, sent, deliverAllDue } = setUp(async () => undefined);
    await insert(notifications, notification('a'));
    await notifications.claimDue(deps.db, t0, new Date(t0.getTime() + 30_000), 10);
    expect(await deliverAllDue()).toBe(0);
    expect(sent).toEqual([]);
  });

  it('delivers an order one notification at a time, in the order recorded', async () => {
    const { notifications, sent, deliverAllDue } = setUp(async () => undefined);
    for (const id of ['a', 'b', 'c']) await insert(notifications, notification(id, 7));
    await insert(notifications, notification('other', 8));
    expect(await deliverAllDue()).toBe(2);
    expect(sent).toEqual(['a', 'other']);
    await deliverAllDue();
    await deliverAllDue();
    expect(sent).toEqual(['a', 'other', 'b', 'c']);
  });

  it('abandons a delivery that outlasts its deadline, even through a channel that ignores the signal', async () => {
    const { notifications, counts, deliverAllDue } = setUp(() => new Promise<void>(() => undefined));
    await insert(notifications, notification('a'));
    const started = Date.now();
    await deliverAllDue();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(notifications.rows.get('a')).toMatchObject({ deliveredAt: null, nextAttemptAt: new Date(t0.getTime() + 1_000) });
    expect(counts.failed).toBe(1);
  });

  it('hands a delivery stopped by shutdown back at once, without counting a failure', async () => {
    const stop = new AbortController();
    const { notifications, counts, deliverAllDue } = setUp(
      (_n, signal) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    await insert(notifications, notification('a'));
    const delivering = deliverAllDue(stop.signal);
    stop.abort();
    await delivering;
    expect(notifications.rows.get('a')).toMatchObject({ deliveredAt: null, nextAttemptAt: t0 });
    expect(counts).toEqual({ delivered: 0, failed: 0 });
  });

  it('does not move the lease of a claim that another worker took over', async () => {
    const { deps, notifications } = setUp(async () => undefined);
    await insert(notifications, notification('a'));
    const [stale] = await notifications.claimDue(deps.db, t0, t0, 10);
    // The lease ended at once: another worker claims it, and then the first one reports its failure late.
    await notifications.claimDue(deps.db, t0, new Date(t0.getTime() + 30_000), 10);
    await deps.recordOutcome({ kind: 'retry', eventId: 'a', deliveryAttempts: stale?.deliveryAttempts ?? 0, at: t0 });
    expect(notifications.rows.get('a')?.nextAttemptAt).toEqual(new Date(t0.getTime() + 30_000));
  });
});
