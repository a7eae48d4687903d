// LOMS as it runs in production (its bundle, 128 MB heap cap) under a burst it cannot serve: the excess is
// refused fast with RESOURCE_EXHAUSTED, memory stays bounded, health keeps answering, and a call whose caller
// gave up stops its database work.
import * as grpc from '@grpc/grpc-js';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loms } from '@shop/proto';
import { lomsCredentials, type RunningBundle } from '@shop/devstack';
import { spawnService } from '@shop/testkit';
import { seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';
import { latencySummary, report } from '../e2e/support/measurements';
import { healthStatus } from './support/healthCheck';
import { residentMb } from './support/processMemory';

const maxInFlight = 20;
const burst = 2_000;
// The bundle's heap is capped at 128 MB old space; README promises under 200 MB resident under load.
const rssCapMb = 200;
const sku = 1001;
// As big as an order may be: 100 distinct SKUs, the first of them the one the tests lock.
const orderItems = Array.from({ length: 100 }, (_, i) => ({ sku: sku + i, count: 1 }));

let service: RunningBundle;
let databaseUrl: string;
let pool: Pool;

beforeAll(async () => {
  databaseUrl = await seededLomsDatabase();
  pool = new Pool({ connectionString: databaseUrl, max: 3 });
  await pool.query(
    `INSERT INTO stocks (sku, warehouse_id, total, reserved) SELECT unnest($1::bigint[]), 1, 100000, 0
     ON CONFLICT (sku, warehouse_id) DO UPDATE SET total = 100000`,
    [orderItems.map((i) => i.sku)],
  );
  service = await spawnService({
    name: 'loms',
    env: {
      LOMS_DATABASE_URL: databaseUrl,
      GRPC_MAX_IN_FLIGHT: String(maxInFlight),
      // Long enough that only the caller giving up can end a statement within these tests' bounds.
      DB_STATEMENT_TIMEOUT: '60s',
      OUTBOX_RELAY_ENABLED: 'false',
      CANCELLER_ENABLED: 'false',
    },
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await pool?.end();
});

const address = () => `localhost:${service.grpcPort}`;

/** A separate connection each (no shared subchannel): HTTP/2 allows a connection only so many streams. */
function connections(count: number): loms.LomsServiceClient[] {
  return Array.from(
    { length: count },
    () => new loms.LomsServiceClient(address(), lomsCredentials('checkout'), { 'grpc.use_local_subchannel_pool': 1 }),
  );
}

async function connected(clients: grpc.Client[]): Promise<void> {
  await Promise.all(
    clients.map(
      (c) => new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve()))),
    ),
  );
}

/** Holds every stock row of `sku`, so that each CreateOrder of it waits on the lock inside LOMS' statement. */
async function lockStockOf(stockSku: number): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT * FROM stocks WHERE sku = $1 FOR UPDATE', [stockSku]);
  return {
    release: async () => {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

/** LOMS' statements waiting on a lock (the test's own connections are not named `loms`). */
async function lomsStatementsWaitingOnLocks(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'loms' AND state = 'active' AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function ordersWithKeyPrefix(prefix: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE idempotency_key LIKE $1', [`${prefix}%`]);
  return Number(rows[0]?.n ?? 0);
}

function countBy(values: (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v ?? '?'] = (counts[v ?? '?'] ?? 0) + 1;
  return counts;
}

interface Outcome {
  code: grpc.status;
  elapsedMs: number;
}

function createOrder(client: loms.LomsServiceClient, userId: number, key: string, deadlineMs: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) =>
    client.createOrder(
      { userId, items: orderItems, idempotencyKey: key },
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err) => resolve({ code: err ? err.code : grpc.status.OK, elapsedMs: performance.now() - started }),
    ),
  );
}

describe('LOMS under a burst it cannot serve', () => {
  it(`refuses the excess of ${burst} concurrent calls with RESOURCE_EXHAUSTED at once, stays under ${rssCapMb} MB and SERVING`, async () => {
    const clients = connections(20);
    await connected(clients);
    const lock = await lockStockOf(sku);
    let peakSampledMb = 0;
    const sampler = setInterval(() => {
      const { nowMb } = residentMb(service.pid);
      if (Number.isFinite(nowMb)) peakSampledMb = Math.max(peakSampledMb, nowMb);
    }, 20);
    let exitedHow: string | undefined;
    void service.exited.then((how) => (exitedHow = how));
    try {
      const rssBeforeMb = residentMb(service.pid).nowMb;
      const outcomes: Outcome[] = [];
      const calls = Array.from({ length: burst }, (_, i) =>
        createOrder(clients[i % clients.length]!, 1 + (i % 500), `burst-${i}`, 60_000).then((o) => outcomes.push(o)),
      );
      // Every call but the admitted ones should be answered while the admitted still wait on the lock.
      const until = Date.now() + 30_000;
      while (outcomes.length < burst - maxInFlight && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const answeredWhileFull = [...outcomes];
      const shed = answeredWhileFull.filter((o) => o.code === grpc.status.RESOURCE_EXHAUSTED);
      const healthWhileFull = await healthStatus(address(), lomsCredentials('payments')).catch((err: Error) => err.message);
      // One more excess call at a time, on a warm connection, while the server is full: the cost of a refusal.
      const single: Outcome[] = [];
      for (let i = 0; i < 100; i++) {
        const outcome = await createOrder(clients[i % clients.length]!, 1, `excess-${i}`, 10_000);
        single.push(outcome);
        if (outcome.code !== grpc.status.RESOURCE_EXHAUSTED) break;
      }
      const { peakMb } = residentMb(service.pid);
      // A service that ran out of memory shows it here, with the last lines it printed.
      expect(exitedHow, service.output().slice(-2_000)).toBeUndefined();
      const shedTimes = latencySummary(shed.map((o) => o.elapsedMs));
      const singleTimes = latencySummary(single.map((o) => o.elapsedMs));
      report('overload burst', {
        burst,
        maxInFlight,
        answeredWhileFull: answeredWhileFull.length,
        shed: shed.length,
        codes: countBy(answeredWhileFull.map((o) => grpc.status[o.code])),
        shedP50Ms: Math.round(shedTimes.p50Ms),
        shedP99Ms: Math.round(shedTimes.p99Ms),
        shedMaxMs: Math.round(shedTimes.maxMs),
        singleExcessP50Ms: Math.round(singleTimes.p50Ms * 10) / 10,
        singleExcessP99Ms: Math.round(singleTimes.p99Ms * 10) / 10,
        rssBeforeMb: Math.round(rssBeforeMb),
        rssPeakSampledMb: Math.round(peakSampledMb),
        rssHighWaterMb: Math.round(peakMb),
      });

      expect(answeredWhileFull.filter((o) => o.code !== grpc.status.RESOURCE_EXHAUSTED)).toEqual([]);
      expect(shed.length).toBe(burst - maxInFlight);
      expect(healthWhileFull).toBe('SERVING');
      expect(single.map((o) => grpc.status[o.code])).toEqual(single.map(() => 'RESOURCE_EXHAUSTED'));
      // Refusing costs a status, not a wait: the whole burst is answered within seconds (most of it the test
      // client's own sending), one excess call within milliseconds, while the admitted could wait 60 s.
      expect(shedTimes.p99Ms).toBeLessThan(10_000);
      expect(singleTimes.p99Ms).toBeLessThan(250);
      expect(peakMb).toBeLessThan(rssCapMb);

      // The admitted calls were held, not dropped: they all make their orders once the lock goes.
      await lock.release();
      await Promise.all(calls);
      const admitted = outcomes.filter((o) => o.code !== grpc.status.RESOURCE_EXHAUSTED);
      expect(admitted.map((o) => o.code)).toEqual(Array.from({ length: maxInFlight }, () => grpc.status.OK));
      expect(await ordersWithKeyPrefix('burst-')).toBe(maxInFlight);

      // The service came through: alive, SERVING, and a new call is served at once.
      expect(service.pid).toBeGreaterThan(0);
      expect(await Promise.race([service.exited, new Promise((r) => setTimeout(() => r('running'), 100))])).toBe('running');
      expect(await healthStatus(address(), lomsCredentials('payments'))).toBe('SERVING');
      expect((await createOrder(clients[0]!, 999, 'after-burst', 10_000)).code).toBe(grpc.status.OK);
    } finally {
      clearInterval(sampler);
      await lock.release().catch(() => undefined);
      for (const c of clients) c.close();
    }
  }, 120_000);

  for (const how of ['cancels', 'lets its deadline pass'] as const) {
    it(`stops the database work of a call whose caller ${how}`, async () => {
      const [client] = connections(1);
      await connected([client!]);
      const lock = await lockStockOf(sku);
      const key = `given-up-${how.replaceAll(' ', '-')}`;
      try {
        const giveUpAfterMs = 2_000;
        const outcome =
          how === 'cancels'
            ? new Promise<grpc.status>((resolve) => {
                const call = client!.createOrder({ userId: 7, items: [{ sku, count: 1 }], idempotencyKey: key }, (err) =>
                  resolve(err ? err.code : grpc.status.OK),
                );
                setTimeout(() => call.cancel(), giveUpAfterMs);
              })
            : createOrder(client!, 7, key, giveUpAfterMs).then((o) => o.code);
        // The call's statement is in the database, waiting for the lock...
        await expect.poll(lomsStatementsWaitingOnLocks, { timeout: giveUpAfterMs - 500, interval: 20 }).toBe(1);
        expect(await outcome).toBe(how === 'cancels' ? grpc.status.CANCELLED : grpc.status.DEADLINE_EXCEEDED);
        // ...and once the caller is gone it waits no more (its statement timeout is 60 s).
        const gaveUpAt = performance.now();
        await expect.poll(lomsStatementsWaitingOnLocks, { timeout: 3_000, interval: 20 }).toBe(0);
        report('cancelled call stops its database work', { how, statementGoneAfterMs: Math.round(performance.now() - gaveUpAt) });
      } finally {
        await lock.release();
        client!.close();
      }
      // Had the statement still been waiting, it would have made the order as soon as the lock went.
      await new Promise((r) => setTimeout(r, 300));
      expect(await ordersWithKeyPrefix(key)).toBe(0);
    }, 30_000);
  }
});
