// create-order: CreateOrder of 3 random SKUs out of 10,000 x 2 warehouses at 1, 16 and 64 in flight,
// each point beside pgbench running the same statement at the same concurrency (the ceiling).
import fs from 'node:fs';
import { Client } from 'pg';
import { lomsBenchClient, type LomsBenchClient } from '../loadgen/benchClients';
import type { LoadResult } from '../loadgen/runLoad';
import { runPgbench, type PgbenchMode } from '../infra/pgbench';
import { seedBenchStock } from '../infra/seedBenchData';
import { startService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { createOrderScript, scriptFiles, skuRanges } from '../sql/ceilingScripts';
import type { ResourceFigures } from '../infra/resourceSampler';
import {
  coreWaitPerOperationTable,
  cpuPerOperationTable,
  fmt,
  latencyCells,
  measuredLoad,
  mergeResources,
  randomOrderItems,
  uniqueUser,
  type BenchContext,
  type SampledProcess,
  type ScenarioResult,
  type ServedProcess,
} from './scenarioKit';
import { profiledRun, profileTables } from './profiledRun';
import { transportEchoPoints, transportTable } from './transportBound';

export const concurrencies = [1, 16, 64] as const;

export interface CeilingPoint {
  concurrency: number;
  prepared: LoadResult;
  extended: LoadResult;
}

/** pgbench with the CreateOrder script at one concurrency and protocol. */
export function createOrderPgbench(ctx: BenchContext, database: string, concurrency: number, mode: PgbenchMode): Promise<LoadResult> {
  if (fs.readFileSync(scriptFiles.createOrder, 'utf8') !== createOrderScript) throw new Error(`${scriptFiles.createOrder} is stale`);
  return runPgbench({
    label: `ceiling create-order ${concurrency} clients -M ${mode}`,
    script: scriptFiles.createOrder,
    database,
    clients: concurrency,
    mode,
    ...ctx.timing,
    env: ctx.infra.pgbenchEnv,
    say: ctx.say,
  });
}

/** pgbench with the CreateOrder script at one concurrency, both protocols. */
export async function createOrderCeiling(ctx: BenchContext, database: string, concurrency: number): Promise<CeilingPoint> {
  const run = (mode: PgbenchMode) => createOrderPgbench(ctx, database, concurrency, mode);
  return { concurrency, prepared: await run('prepared'), extended: await run('extended') };
}

export const lomsEnv = (ctx: BenchContext, url: string, relay: boolean) => ({
  LOMS_DATABASE_URL: url,
  KAFKA_BROKERS: ctx.infra.brokers.join(','),
  ORDER_STATUS_TOPIC: `bench.create-order.${Date.now()}`,
  OUTBOX_RELAY_ENABLED: String(relay),
});

/** The create-order load through `client` while `services` (the LOMS processes it reaches) are sampled. */
export function createOrderLoad(
  ctx: BenchContext,
  services: SampledProcess[],
  client: LomsBenchClient,
  concurrency: number,
  label: string,
) {
  return measuredLoad(ctx, services, {
    label,
    concurrency,
    operation: async (_, seq) => {
      await client.call((c) => c.createOrder, { userId: uniqueUser(seq), items: randomOrderItems(skuRanges), idempotencyKey: '' });
    },
  });
}

async function loadCreateOrder(ctx: BenchContext, loms: ServedProcess, concurrency: number, label: string) {
  const client = lomsBenchClient(loms.grpcAddress);
  try {
    return await createOrderLoad(ctx, [loms], client, concurrency, label);
  } finally {
    client.close();
  }
}

export async function createOrderScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.infra.freshDatabase('loms', 'create_order');
  await seedBenchStock(url);
  const database = new URL(url).pathname.slice(1);
  const resources = {};
  const points: { concurrency: number; service: LoadResult; ceiling: CeilingPoint; resources: Record<string, ResourceFigures> }[] = [];

  let loms = await startService({ name: 'loms', root: ctx.root, env: lomsEnv(ctx, url, false), say: ctx.say });
  try {
    for (const concurrency of concurrencies) {
      const ceiling = await createOrderCeiling(ctx, database, concurrency);
      const measured = await loadCreateOrder(ctx, loms, concurrency, `create-order ${concurrency} in flight`);
      mergeResources(resources, measured.resources);
      points.push({ concurrency, service: measured.load, ceiling, resources: measured.resources });
    }
  } finally {
    await loms.stop();
  }

  // The same load with the outbox relay publishing every event, as LOMS runs by default. The events of the
  // points above (and pgbench's) are marked published first: the row measures keeping up, not a backlog.
  await markOutboxPublished(url);
  loms = await startService({ name: 'loms', root: ctx.root, env: lomsEnv(ctx, url, true), say: ctx.say });
  let withRelay;
  try {
    withRelay = await loadCreateOrder(ctx, loms, 16, 'create-order 16 in flight, relay on');
    mergeResources(resources, withRelay.resources);
  } finally {
    await loms.stop();
  }

  const profile = await profiledRun(ctx, {
    service: { name: 'loms', env: lomsEnv(ctx, url, false) },
    keptAs: 'loms-create-order',
    load: (loms) => loadCreateOrder(ctx, loms, 16, 'create-order 16 in flight, LOMS under --cpu-prof'),
  });
  const echo = await transportEchoPoints(ctx, concurrencies, (server, c) =>
    loadCreateOrder(ctx, server, c, `transport echo ${c} in flight`),
  );
  const stock = await checkStock(url);

  const at16 = points.find((p) => p.concurrency === 16);
  const ratio16 = at16 ? at16.service.throughput / at16.ceiling.prepared.throughput : 0;
  const at64 = points.find((p) => p.concurrency === 64);
  const ratio64 = at64 ? at64.service.throughput / at64.ceiling.prepared.throughput : 0;
  const perOperation = points.map((p) => ({
    label: `${p.concurrency} in flight`,
    throughput: p.service.throughput,
    resources: p.resources,
  }));
  return {
    name: 'create-order',
    title: 'create-order: CreateOrder, 3 random SKUs of 10,000 x 2 warehouses',
    tables: [
      {
        caption: 'LOMS over TLS gRPC (relay off) against pgbench running the same statement at the same concurrency. Latency in ms.',
        headers: [
          'in flight',
          'orders/s',
          'p50',
          'p90',
          'p99',
          'max',
          'errors',
          'pgbench -M prepared tps',
          'pgbench p99',
          'ratio',
          'pgbench -M extended tps',
          'ratio to extended',
        ],
        rows: points.map((p) => [
          String(p.concurrency),
          fmt.rate(p.service.throughput),
          ...latencyCells(p.service),
          String(p.service.errors),
          fmt.rate(p.ceiling.prepared.throughput),
          fmt.ms(p.ceiling.prepared.p99Ms),
          fmt.pct(p.service.throughput / p.ceiling.prepared.throughput),
          fmt.rate(p.ceiling.extended.throughput),
          fmt.pct(p.service.throughput / p.ceiling.extended.throughput),
        ]),
      },
      {
        caption:
          'The 16-in-flight point again with the outbox relay publishing every AWAITING_PAYMENT event to the broker (LOMS as deployed).',
        headers: ['in flight', 'orders/s', 'p50', 'p90', 'p99', 'max', 'errors', 'ratio to pgbench -M prepared at 16'],
        rows: [
          [
            '16',
            fmt.rate(withRelay.load.throughput),
            ...latencyCells(withRelay.load),
            String(withRelay.load.errors),
            at16 ? fmt.pct(withRelay.load.throughput / at16.ceiling.prepared.throughput) : '-',
          ],
        ],
      },
      cpuPerOperationTable('CPU per order of each process at each point (LOMS relay off; PostgreSQL is all its processes).', perOperation),
      coreWaitPerOperationTable(perOperation),
      transportTable(echo, points),
      ...profileTables('LOMS', '16 orders in flight', profile),
    ],
    resources,
    verdicts: [
      {
        scenario: 'create-order',
        what: 'orders/s at 16 in flight vs pgbench ceiling',
        measured: fmt.pct(ratio16),
        target: '>= 100%',
        met: ratio16 >= 1,
      },
      {
        scenario: 'create-order',
        what: 'orders/s at 64 in flight vs pgbench ceiling',
        measured: fmt.pct(ratio64),
        target: '>= 130%',
        met: ratio64 >= 1.3,
      },
      {
        scenario: 'create-order',
        what: 'p99 at 16 in flight',
        measured: `${fmt.ms(at16?.service.p99Ms ?? 0)} ms`,
        target: '< 20 ms',
        met: (at16?.service.p99Ms ?? Infinity) < 20,
      },
    ],
    notes: [
      `Stock after the run: ${stock.oversoldRows} oversold rows, ${stock.unbalancedRows} rows whose reserved units differ from their reservations, ${stock.driftRows} rows off their movement ledger.`,
    ],
    raw: { points, withRelay: withRelay.load, echo, profile, stock },
  };
}

async function markOutboxPublished(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
  } finally {
    await client.end();
  }
}
