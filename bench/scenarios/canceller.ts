// canceller: 100,000 unpaid orders reach their deadline at one instant; how long until LOMS' timeout
// canceller has cancelled them all and the relay has published every CANCELLED event.
import { Client } from 'pg';
import { postgresPids, sampleResources } from '../infra/resourceSampler';
import { seedBenchStock, seedUnpaidOrders } from '../infra/seedBenchData';
import { startService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { type BenchContext, type ScenarioResult } from './scenarioKit';

const orders = 100_000;
const timeoutMs = 180_000;
// Polled every 100 ms while the canceller works, so they must cost PostgreSQL next to nothing: the first entry of
// the indexes the canceller and the relay read, not a count (a parallel scan of every order took about a tenth
// of PostgreSQL's time in the window it measured). Counts go only into the progress line every 5 s.
const awaitingOrder = "SELECT 1 FROM orders WHERE status = 'AWAITING_PAYMENT' ORDER BY payment_deadline LIMIT 1";
const unpublishedEvent = 'SELECT 1 FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1';

export async function cancellerScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.infra.freshDatabase('loms', 'canceller');
  await seedBenchStock(url);
  ctx.say(`canceller: seeding ${orders.toLocaleString('en-US')} unpaid orders with their reservations`);
  await seedUnpaidOrders(url, orders);
  const loms = await startService({
    name: 'loms',
    root: ctx.root,
    env: { LOMS_DATABASE_URL: url, KAFKA_BROKERS: ctx.infra.brokers.join(','), ORDER_STATUS_TOPIC: `bench.canceller.${Date.now()}` },
    say: ctx.say,
  });
  const db = new Client({ connectionString: url });
  await db.connect();
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  const any = async (sql: string) => (await db.query(sql)).rows.length > 0;
  let cancelledAfter: number | undefined;
  let publishedAfter: number | undefined;
  let sampler;
  try {
    sampler = sampleResources([
      { name: 'loms', pids: () => [loms.pid] },
      { name: 'postgres', pids: () => postgresPids(ctx.infra.dataDir) },
    ]);
    await db.query("UPDATE orders SET payment_deadline = now() WHERE status = 'AWAITING_PAYMENT'");
    const t0 = performance.now();
    let last = 0;
    while (performance.now() - t0 < timeoutMs) {
      const awaiting = cancelledAfter === undefined && (await any(awaitingOrder));
      const unpublished = await any(unpublishedEvent);
      const elapsed = (performance.now() - t0) / 1000;
      if (!awaiting) cancelledAfter ??= elapsed;
      if (!awaiting && !unpublished) {
        publishedAfter = elapsed;
        break;
      }
      if (elapsed - last >= 5) {
        last = elapsed;
        const left = await count("SELECT count(*) AS n FROM orders WHERE status = 'AWAITING_PAYMENT'");
        const waiting = await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
        ctx.say(
          `canceller: ${elapsed.toFixed(0)}s ${(orders - left).toLocaleString('en-US')} cancelled, ${waiting.toLocaleString('en-US')} events unpublished`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
    await loms.stop();
  }
  const resources = sampler.stop();
  const events = await (async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: string; published: string }>(
        "SELECT count(*) AS n, count(published_at) AS published FROM outbox WHERE status = 'CANCELLED'",
      );
      return { cancelledEvents: Number(rows[0]?.n ?? 0), published: Number(rows[0]?.published ?? 0) };
    } finally {
      await c.end();
    }
  })();
  const stock = await checkStock(url);
  const total = publishedAfter ?? Infinity;
  const show = (s: number | undefined) => (s === undefined ? `not within ${timeoutMs / 1000} s` : `${s.toFixed(1)} s`);
  return {
    name: 'canceller',
    title: `canceller: ${orders.toLocaleString('en-US')} orders past their deadline at once`,
    tables: [
      {
        caption:
          'From the moment every deadline passes (one UPDATE) until the state is reached; LOMS defaults: CANCELLER_INTERVAL 1s, CANCELLER_BATCH_SIZE 500, OUTBOX_BATCH_SIZE 500.',
        headers: [
          'orders',
          'all cancelled after',
          'all CANCELLED events published after',
          'orders cancelled/s',
          'CANCELLED events',
          'published',
          'stock balanced',
        ],
        rows: [
          [
            orders.toLocaleString('en-US'),
            show(cancelledAfter),
            show(publishedAfter),
            cancelledAfter ? Math.round(orders / cancelledAfter).toLocaleString('en-US') : '-',
            events.cancelledEvents.toLocaleString('en-US'),
            events.published.toLocaleString('en-US'),
            stock.ok
              ? 'yes'
              : `no (${stock.oversoldRows} oversold, ${stock.unbalancedRows} unbalanced rows, ${stock.driftRows} off their ledger)`,
          ],
        ],
      },
    ],
    resources,
    verdicts: [
      {
        scenario: 'canceller',
        what: `${orders.toLocaleString('en-US')} expired orders cancelled and published`,
        measured: show(publishedAfter),
        target: '<= 10 s',
        met: total <= 10,
      },
    ],
    notes: [],
    raw: { cancelledAfter, publishedAfter, events, stock },
  };
}
