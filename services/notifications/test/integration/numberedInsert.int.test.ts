// The numbered-event statement against the plain domain model (domain/orderVersion.ts), on the real database:
// sequences of arrivals in any order, with redeliveries, and the same order's events stored concurrently.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@shop/testkit';
import type { Notification } from '../../src/domain/notification';
import { becomesLatest, placeOf } from '../../src/domain/orderVersion';
import { notificationsStore } from '../../src/storage/notifications';

let pool: Pool;
beforeAll(async () => {
  pool = new Pool({ connectionString: await freshDatabase('notifications'), max: 8 });
});
afterAll(async () => {
  await pool?.end();
});

let nextOrderId = 1;
const notification = (orderId: number, version: number, createdAt = new Date()): Notification => ({
  eventId: randomUUID(),
  userId: orderId,
  orderId,
  status: 'PAYED',
  message: `Order ${orderId} is paid`,
  occurredAt: new Date(),
  version,
  traceparent: undefined,
  createdAt,
  deliveredAt: null,
});

const listedVersions = async (orderId: number) =>
  (await notificationsStore.listByUser(pool, orderId, 1_000, undefined)).map((n) => n.version).reverse();

describe('insertNumbered', () => {
  it('stores what the domain rule says, for any order of arrival and any redelivery', async () => {
    const arrival = fc.oneof(
      { weight: 4, arbitrary: fc.record({ version: fc.integer({ min: 1, max: 12 }), again: fc.constant(false) }) },
      { weight: 1, arbitrary: fc.record({ version: fc.integer({ min: 1, max: 12 }), again: fc.constant(true) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { minLength: 1, maxLength: 25 }), async (arrivals) => {
        const orderId = nextOrderId++;
        const sent: Notification[] = [];
        const model = { latest: 0, versions: new Set<number>(), listed: [] as number[] };
        for (const { version, again } of arrivals) {
          // A redelivery repeats an event sent before (same id and version); anything else is a new event id.
          const event = again && sent.length > 0 ? sent[version % sent.length]! : notification(orderId, version);
          sent.push(event);
          const previous = model.latest;
          const duplicate = model.versions.has(event.version) || sent.indexOf(event) !== sent.length - 1;
          const isLatest = !duplicate && becomesLatest(placeOf(event.version, previous));
          if (!duplicate) model.versions.add(event.version);
          if (isLatest) {
            model.latest = event.version;
            model.listed.push(event.version);
          }

          const result = await notificationsStore.insertNumbered(pool, event);
          expect(result).toEqual({ stored: duplicate ? 'duplicate' : isLatest ? 'latest' : 'superseded', previousLatest: previous });
        }
        expect(await listedVersions(orderId)).toEqual(model.listed);
        const { rows } = await pool.query('SELECT latest_version FROM order_versions WHERE order_id = $1', [orderId]);
        expect(Number(rows[0]?.latest_version)).toBe(model.latest);
      }),
      { numRuns: 60 },
    );
  });

  it('never lists an older version after a newer one when one order is stored from several connections at once', async () => {
    for (let round = 0; round < 5; round++) {
      const orderId = nextOrderId++;
      const versions = fc.sample(
        fc.shuffledSubarray(
          [...Array(30).keys()].map((i) => i + 1),
          { minLength: 30 },
        ),
        1,
      )[0]!;
      // One recording time for all, so that the history's order is the order they were stored in.
      const recordedAt = new Date();
      const events = versions.map((v) => notification(orderId, v, recordedAt));
      // Every event twice, all at once over eight connections.
      const results = await Promise.all([...events, ...events].map((e) => notificationsStore.insertNumbered(pool, e)));

      const listed = await listedVersions(orderId);
      expect(listed).toEqual([...listed].sort((a, b) => a - b));
      expect(listed.at(-1)).toBe(30);
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM notifications WHERE order_id = $1', [orderId]);
      expect(Number(rows[0]?.n)).toBe(30);
      expect(results.filter((r) => r.stored === 'duplicate')).toHaveLength(30);
    }
  });
});
