// Under sustained load the outbox stays bounded: published rows go once they are older than
// OUTBOX_RETENTION, however busy the relay is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { setStock, startLomsTestServer, type LomsTestServer } from './lomsTestServer';

const retentionMs = 1_000;
/** Publishing and the cleanup interval may add this much to a row's life. */
const slackMs = 3_000;
const loadMs = 12_000;
let broker: KafkaBroker;
let server: LomsTestServer;

beforeAll(async () => {
  broker = await startKafkaBroker();
  server = await startLomsTestServer({
    OUTBOX_RELAY_ENABLED: 'true',
    KAFKA_BROKERS: broker.brokers.join(','),
    OUTBOX_POLL_INTERVAL: '20ms',
    OUTBOX_BATCH_SIZE: '100',
    OUTBOX_RETENTION: `${retentionMs}ms`,
    OUTBOX_CLEANUP_INTERVAL: '200ms',
  });
  await setStock(server.pool, [{ sku: 1, warehouseId: 1, total: 10_000_000 }]);
});
afterAll(async () => {
  await server.stop();
  await broker.stop();
});

interface Sample {
  rows: number;
  /** Published longer ago than retention + slack: should have been deleted. */
  overdue: number;
}

async function sample(): Promise<Sample> {
  const { rows } = await server.pool.query<{ rows: string; overdue: string }>(
    `SELECT count(*) AS rows,
            count(*) FILTER (WHERE published_at < now() - make_interval(secs => $1::double precision / 1000)) AS overdue
     FROM outbox`,
    [retentionMs + slackMs],
  );
  return { rows: Number(rows[0]?.rows), overdue: Number(rows[0]?.overdue) };
}

describe('outbox retention', () => {
  it('deletes published rows past retention while orders keep coming, so the outbox stays bounded', async () => {
    const until = Date.now() + loadMs;
    let events = 0;
    const worker = async () => {
      while (Date.now() < until) {
        const { orderId } = await server.call((c) => c.createOrder, { userId: 9, items: [{ sku: 1, count: 1 }], idempotencyKey: '' });
        await server.call((c) => c.orderPayed, { orderId });
        events += 2;
      }
    };
    const samples: Sample[] = [];
    const sampling = (async () => {
      while (Date.now() < until) {
        samples.push(await sample());
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const started = Date.now();
    await Promise.all([...Array.from({ length: 8 }, worker), sampling]);
    const eventsPerSecond = events / ((Date.now() - started) / 1000);
    const maxRows = Math.max(...samples.map((s) => s.rows));
    // At most the events of (retention + slack) can be in the outbox at once.
    const bound = Math.ceil(eventsPerSecond * ((retentionMs + slackMs) / 1000));
    console.info(`outbox under load: ${events} events, ${eventsPerSecond.toFixed(0)}/s, max ${maxRows} rows, bound ${bound}`);

    expect(events).toBeGreaterThan(1_000);
    expect(samples.filter((s) => s.overdue > 0)).toEqual([]);
    expect(maxRows).toBeLessThanOrEqual(bound);
    await expect.poll(async () => (await sample()).rows, { timeout: retentionMs + slackMs + 5_000, interval: 200 }).toBe(0);
  }, 60_000);
});
