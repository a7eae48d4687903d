import { describe, expect, it } from 'vitest';
import { inMemoryNotificationsStore } from '../../test/fakes/inMemoryNotificationsStore';
import type { Notification } from '../domain/notification';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../domain/statusChange';
import { RejectedByStorageError } from './ports';
import { recordStatusChanges, type RecordStatusChangesDeps } from './recordStatusChanges';

let ids = 0;
const event = (orderId: number, version: number, status = 'PAYED'): StatusChangeCandidate => ({
  eventId: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  orderId,
  userId: 7,
  status,
  occurredAt: new Date('2025-01-01T00:00:00Z'),
  version,
});

function setUp() {
  const notifications = inMemoryNotificationsStore();
  const counts = { recorded: 0, deduplicated: 0, gaps: 0, superseded: 0, transactions: 0 };
  const handedOn: Notification[] = [];
  const db = { query: async () => ({ rows: [], rowCount: 0 }) };
  const deps: RecordStatusChangesDeps = {
    db,
    inTransaction: async (work) => {
      counts.transactions++;
      return work(db);
    },
    notifications,
    metrics: {
      recorded: () => counts.recorded++,
      deduplicated: () => counts.deduplicated++,
      versionGap: () => counts.gaps++,
      superseded: () => counts.superseded++,
    },
    onRecorded: (n) => handedOn.push(n),
  };
  return { deps, notifications, counts, handedOn };
}

describe('recordStatusChanges', () => {
  it('records a batch holding duplicates of one event and new events with one insert, each event once', async () => {
    const { deps, notifications, counts, handedOn } = setUp();
    const inserts: number[] = [];
    const insertMany = notifications.insertMany;
    notifications.insertMany = (tx, rows, raised) => {
      inserts.push(rows.filter((r) => r.decision !== 'duplicate').length);
      return insertMany(tx, rows, raised);
    };
    const repeated = event(1, 1);
    const fresh = [event(1, 2), event(2, 1), event(3, 0)];
    const results = await recordStatusChanges(
      deps,
      [repeated, fresh[0]!, { ...repeated }, fresh[1]!, fresh[2]!, { ...repeated }],
      new Date(),
    );
    expect(results).toEqual(['recorded', 'recorded', 'duplicate', 'recorded', 'recorded', 'duplicate']);
    expect(inserts).toEqual([4]);
    expect(notifications.rows.size).toBe(4);
    expect(handedOn.map((n) => n.eventId)).toEqual([repeated, ...fresh].map((e) => e.eventId));
    expect(counts).toMatchObject({ recorded: 4, deduplicated: 2, transactions: 1 });
  });

  it('refuses the invalid events of a batch and records the others together', async () => {
    const { deps, notifications, counts } = setUp();
    const good = [event(1, 1), event(2, 1)];
    const results = await recordStatusChanges(deps, [good[0]!, event(0, 1), good[1]!], new Date());
    expect(results[1]).toEqual({ refused: expect.any(InvalidStatusChangeError) });
    expect([results[0], results[2]]).toEqual(['recorded', 'recorded']);
    expect([...notifications.rows.keys()]).toEqual(good.map((e) => e.eventId));
    expect(counts.transactions).toBe(1);
  });

  it('records a batch the database refuses one event at a time, so that only the refused event is lost', async () => {
    const { deps, notifications } = setUp();
    const poison = { ...event(2, 1), traceparent: 'nul\u0000' };
    const refuse = () => new RejectedByStorageError('invalid byte sequence for encoding "UTF8": 0x00', '22021');
    notifications.insertMany = async (_tx, rows) => {
      if (rows.some((r) => r.notification.traceparent?.includes('\u0000'))) throw refuse();
      return new Set();
    };
    const insertNumbered = notifications.insertNumbered;
    notifications.insertNumbered = (db, n) => (n.traceparent?.includes('\u0000') ? Promise.reject(refuse()) : insertNumbered(db, n));
    const before = event(1, 1);
    const after = event(3, 1);
    const results = await recordStatusChanges(deps, [before, poison, after], new Date());
    expect(results).toEqual(['recorded', { refused: expect.any(RejectedByStorageError) }, 'recorded']);
    expect([...notifications.rows.keys()]).toEqual([before.eventId, after.eventId]);
  });

  it('lets any other storage failure propagate, so that the whole batch is handled again', async () => {
    const { deps, notifications, handedOn } = setUp();
    notifications.insertMany = async () => {
      throw new Error('connection terminated');
    };
    await expect(recordStatusChanges(deps, [event(1, 1), event(2, 1)], new Date())).rejects.toThrow('connection terminated');
    expect(handedOn).toEqual([]);
  });

  it('records a lone event without a transaction', async () => {
    const { deps, notifications, counts } = setUp();
    expect(await recordStatusChanges(deps, [event(1, 1)], new Date())).toEqual(['recorded']);
    expect(notifications.rows.size).toBe(1);
    expect(counts.transactions).toBe(0);
  });
});
