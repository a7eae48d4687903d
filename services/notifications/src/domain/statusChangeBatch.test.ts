import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from './notification';
import { orderVersionKey, planStatusChanges } from './statusChangeBatch';

const db = { query: async () => ({ rows: [], rowCount: 0 }) };
const t0 = new Date('2025-01-01T00:00:00Z');
const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const notification = (id: number, orderId: number, version: number): Notification => ({
  eventId: eventId(id),
  userId: 1,
  orderId,
  status: 'PAYED',
  message: `Order ${orderId} is paid`,
  occurredAt: t0,
  version,
  traceparent: undefined,
  createdAt: t0,
  deliveredAt: null,
});

/** The one-event-at-a-time rule (the fake store's insert and insertNumbered) applied in order. */
async function oneAtATime(store: ReturnType<typeof inMemoryNotificationsStore>, batch: Notification[]) {
  const kinds: string[] = [];
  for (const n of batch) {
    if (n.version === 0) kinds.push((await store.insert(db, n)) ? 'latest' : 'duplicate');
    else kinds.push((await store.insertNumbered(db, n)).stored);
  }
  return kinds;
}

function keysOf(store: ReturnType<typeof inMemoryNotificationsStore>) {
  const rows = [...store.rows.values()];
  return {
    eventIds: new Set(rows.map((r) => r.eventId)),
    orderVersions: new Set(rows.filter((r) => r.version > 0).map((r) => orderVersionKey(r.orderId, r.version))),
  };
}

// Few ids, orders and versions, so that batches are full of duplicates, reorderings and clashes.
const arrival = fc.record({
  id: fc.integer({ min: 1, max: 8 }),
  orderId: fc.integer({ min: 1, max: 3 }),
  version: fc.integer({ min: 0, max: 6 }),
});
const toNotification = (a: { id: number; orderId: number; version: number }) => notification(a.id, a.orderId, a.version);

describe('planStatusChanges', () => {
  it('decides each event of a batch as recording the events one after the other would, whatever is already stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { maxLength: 10 }), fc.array(arrival, { minLength: 1, maxLength: 15 }), async (before, batch) => {
        const sequential = inMemoryNotificationsStore();
        const planned = inMemoryNotificationsStore();
        await oneAtATime(sequential, before.map(toNotification));
        await oneAtATime(planned, before.map(toNotification));

        const notifications = batch.map(toNotification);
        const plan = planStatusChanges(notifications, keysOf(planned), planned.latest);
        const expected = await oneAtATime(sequential, notifications);
        expect(plan.decisions.map((d) => d.kind)).toEqual(expected);

        for (const [orderId, version] of plan.raisedLatest) expect(sequential.latest.get(orderId)).toBe(version);
        for (const [orderId, version] of sequential.latest)
          if (!plan.raisedLatest.has(orderId)) expect(planned.latest.get(orderId) ?? 0).toBe(version);
      }),
      { numRuns: 500 },
    );
  });

  it('records a duplicate of an event inside one batch once, and the new events beside it', () => {
    const first = notification(1, 10, 1);
    const plan = planStatusChanges(
      [first, notification(2, 11, 1), { ...first }, notification(3, 10, 2), { ...first }],
      { eventIds: new Set(), orderVersions: new Set() },
      new Map(),
    );
    expect(plan.decisions.map((d) => d.kind)).toEqual(['latest', 'latest', 'duplicate', 'latest', 'duplicate']);
    expect(plan.raisedLatest).toEqual(
      new Map([
        [10, 2],
        [11, 1],
      ]),
    );
  });

  it('counts a gap for an event that skips versions of its order, and supersedes an older one arriving after it', () => {
    const plan = planStatusChanges(
      [notification(1, 10, 3), notification(2, 10, 2), notification(3, 10, 4)],
      { eventIds: new Set(), orderVersions: new Set() },
      new Map([[10, 1]]),
    );
    expect(plan.decisions).toEqual([{ kind: 'latest', afterGap: true }, { kind: 'superseded' }, { kind: 'latest', afterGap: false }]);
    expect(plan.raisedLatest).toEqual(new Map([[10, 4]]));
  });
});
