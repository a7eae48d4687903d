// lifecycle: create -> pay and create -> cancel, half and half, with the outbox relay and Notifications
// running: status events per second through Kafka and the delay from a status change to its notification.
import { lomsBenchClient } from '../loadgen/benchClients';
import { queryRow as query } from '../infra/queryRow';
import { startService, type RunningService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { lifecycleOperation } from './lifecycleOperation';
import { startLifecycleStack, waitForDrain } from './lifecycleStack';
import { relayCapacity } from './relayCapacity';
import { fmt, latencyCells, measuredLoad, mergeResources, type BenchContext, type ScenarioResult } from './scenarioKit';

const concurrency = 16;

interface Delays {
  n: string;
  p50: number | null;
  p99: number | null;
  max: number | null;
}
const delayColumns = (expr: string) =>
  `count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr})::float8 AS p50,
   percentile_cont(0.99) WITHIN GROUP (ORDER BY ${expr})::float8 AS p99, max(${expr})::float8 AS max`;
const ms = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) * 1000`;

export async function lifecycleScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { lomsUrl, notificationsUrl, shared, notifications } = await startLifecycleStack(ctx, 'lifecycle');
  const started: RunningService[] = [notifications];
  let measured;
  let drained = { seconds: 0, complete: false };
  try {
    const loms = await startService({ name: 'loms', root: ctx.root, env: { ...shared, LOMS_DATABASE_URL: lomsUrl }, say: ctx.say });
    started.push(loms);
    const client = lomsBenchClient(loms.grpcAddress);
    try {
      measured = await measuredLoad(ctx, [loms, notifications], {
        label: `lifecycle ${concurrency} in flight`,
        concurrency,
        operation: lifecycleOperation(client),
      });
    } finally {
      client.close();
    }
    drained = await waitForDrain(lomsUrl, notificationsUrl, 60_000);
  } finally {
    for (const s of started.reverse()) await s.stop();
  }

  const load = measured.load;
  const window = [new Date(load.windowStartMs), new Date(load.windowEndMs)];
  const seconds = load.seconds;
  const produced = await query<{ n: string }>(
    lomsUrl,
    'SELECT count(*) AS n FROM outbox WHERE occurred_at >= $1 AND occurred_at < $2',
    window,
  );
  const published = await query<{ n: string }>(
    lomsUrl,
    'SELECT count(*) AS n FROM outbox WHERE published_at >= $1 AND published_at < $2',
    window,
  );
  const relayDelay = await query<Delays>(
    lomsUrl,
    `SELECT ${delayColumns(ms('occurred_at', 'published_at'))} FROM outbox WHERE occurred_at >= $1 AND occurred_at < $2`,
    window,
  );
  const recordDelay = await query<Delays>(
    notificationsUrl,
    `SELECT ${delayColumns(ms('occurred_at', 'created_at'))} FROM notifications WHERE occurred_at >= $1 AND occurred_at < $2`,
    window,
  );
  const deliverDelay = await query<Delays>(
    notificationsUrl,
    `SELECT ${delayColumns(ms('occurred_at', 'delivered_at'))} FROM notifications WHERE occurred_at >= $1 AND occurred_at < $2`,
    window,
  );
  const stock = await checkStock(lomsUrl);
  const publishedPerSecond = Number(published.n) / seconds;
  const capacity = await relayCapacity(ctx, concurrency);
  const resources = { ...measured.resources };
  mergeResources(resources, capacity.resources);
  const p99 = recordDelay.p99 ?? Infinity;
  const delayRow = (what: string, d: Delays) => [what, d.n, fmt.ms(d.p50 ?? 0), fmt.ms(d.p99 ?? 0), fmt.ms(d.max ?? 0)];

  return {
    name: 'lifecycle',
    title: 'lifecycle: create -> pay / create -> cancel, relay and Notifications running',
    tables: [
      {
        caption: `${concurrency} operations in flight, each CreateOrder then OrderPayed or CancelOrder (half each): 2 status events per operation. Latency of the operation (2 calls) in ms.`,
        headers: [
          'operations/s',
          'p50',
          'p90',
          'p99',
          'max',
          'errors',
          'events written/s',
          'events published/s (relay)',
          'backlog drained after load',
        ],
        rows: [
          [
            fmt.rate(load.throughput),
            ...latencyCells(load),
            String(load.errors),
            fmt.rate(Number(produced.n) / seconds),
            fmt.rate(publishedPerSecond),
            drained.complete ? `${drained.seconds.toFixed(1)} s` : `not within ${drained.seconds.toFixed(0)} s`,
          ],
        ],
      },
      {
        caption: 'From a status change (occurred_at, in the LOMS transaction) to ... in ms, events changed during the measured window.',
        headers: ['to', 'events', 'p50', 'p99', 'max'],
        rows: [
          delayRow('published to Kafka (relay)', relayDelay),
          delayRow('notification recorded', recordDelay),
          delayRow('notification delivered (log channel)', deliverDelay),
        ],
      },
      {
        caption:
          'The relay at capacity: the same load for the same time with the relay off, then LOMS restarted with the relay on publishes the backlog while Notifications records it. Rate = events published after the first batch / time from the first to the last acknowledged batch.',
        headers: ['backlog events', 'published/s (relay)', 'all published after', 'all recorded by Notifications after', 'complete'],
        rows: [
          [
            fmt.rate(capacity.events),
            fmt.rate(capacity.publishedPerSecond),
            `${capacity.publishedAfterS.toFixed(2)} s`,
            `${capacity.recordedAfterS.toFixed(2)} s`,
            capacity.complete ? 'yes' : 'no',
          ],
        ],
      },
    ],
    resources,
    verdicts: [
      {
        scenario: 'lifecycle',
        what: 'status events/s through the relay, live (as many as the load writes)',
        measured: fmt.rate(publishedPerSecond),
        target: '>= 2,500',
        met: publishedPerSecond >= 2500,
      },
      {
        scenario: 'lifecycle',
        what: 'status events/s through the relay, at capacity (backlog of lifecycle events)',
        measured: capacity.complete ? fmt.rate(capacity.publishedPerSecond) : 'did not drain',
        target: '>= 20,000',
        met: capacity.complete && capacity.publishedPerSecond >= 20_000,
      },
      {
        scenario: 'lifecycle',
        what: 'status change to notification p99',
        measured: `${fmt.ms(p99)} ms`,
        target: '< 250 ms',
        met: p99 < 250,
      },
    ],
    notes: [
      `Stock after the run: ${stock.oversoldRows} oversold rows, ${stock.unbalancedRows} unbalanced rows, ${stock.driftRows} rows off their ledger.`,
    ],
    raw: { load, produced, published, relayDelay, recordDelay, deliverDelay, drained, stock, capacity },
  };
}
