// hot-sku: every order reserves the same SKU (every call waits for the same row lock), beside pgbench
// running the same statement for that SKU; stock is checked for oversell afterwards.
import { lomsBenchClient } from '../loadgen/benchClients';
import type { LoadResult } from '../loadgen/runLoad';
import { runPgbench } from '../infra/pgbench';
import { seedBenchStock } from '../infra/seedBenchData';
import { startService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { hotSku, scriptFiles } from '../sql/ceilingScripts';
import type { ResourceFigures } from '../infra/resourceSampler';
import {
  coreWaitPerOperationTable,
  cpuPerOperationTable,
  fmt,
  latencyCells,
  measuredLoad,
  mergeResources,
  uniqueUser,
  type BenchContext,
  type ScenarioResult,
} from './scenarioKit';

export const hotSkuConcurrencies = [1, 16, 64] as const;

export function hotSkuCeiling(ctx: BenchContext, database: string, concurrency: number): Promise<LoadResult> {
  return runPgbench({
    label: `ceiling hot-sku ${concurrency} clients -M prepared`,
    script: scriptFiles.hotSku,
    database,
    clients: concurrency,
    mode: 'prepared',
    ...ctx.timing,
    env: ctx.infra.pgbenchEnv,
    say: ctx.say,
  });
}

export async function hotSkuScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.infra.freshDatabase('loms', 'hot_sku');
  await seedBenchStock(url);
  const database = new URL(url).pathname.slice(1);
  const resources = {};
  const points: { concurrency: number; service: LoadResult; ceiling: LoadResult; resources: Record<string, ResourceFigures> }[] = [];
  const loms = await startService({
    name: 'loms',
    root: ctx.root,
    env: { LOMS_DATABASE_URL: url, KAFKA_BROKERS: ctx.infra.brokers.join(','), OUTBOX_RELAY_ENABLED: 'false' },
    say: ctx.say,
  });
  const client = lomsBenchClient(loms.grpcAddress);
  try {
    for (const concurrency of hotSkuConcurrencies) {
      const ceiling = await hotSkuCeiling(ctx, database, concurrency);
      const measured = await measuredLoad(ctx, [loms], {
        label: `hot-sku ${concurrency} in flight`,
        concurrency,
        operation: async (_, seq) => {
          await client.call((c) => c.createOrder, { userId: uniqueUser(seq), items: [{ sku: hotSku, count: 1 }], idempotencyKey: '' });
        },
      });
      mergeResources(resources, measured.resources);
      points.push({ concurrency, service: measured.load, ceiling, resources: measured.resources });
    }
  } finally {
    client.close();
    await loms.stop();
  }
  const stock = await checkStock(url, hotSku);
  const at16 = points.find((p) => p.concurrency === 16);
  const ratio16 = at16 ? at16.service.throughput / at16.ceiling.throughput : 0;
  const perOperation = points.map((p) => ({
    label: `${p.concurrency} in flight`,
    throughput: p.service.throughput,
    resources: p.resources,
  }));
  return {
    name: 'hot-sku',
    title: `hot-sku: every order reserves SKU ${hotSku} (one contended row)`,
    tables: [
      {
        caption: 'LOMS (relay off) against pgbench -M prepared running the same statement for the same SKU. Latency in ms.',
        headers: ['in flight', 'orders/s', 'p50', 'p90', 'p99', 'max', 'errors', 'pgbench tps', 'pgbench p99', 'ratio'],
        rows: points.map((p) => [
          String(p.concurrency),
          fmt.rate(p.service.throughput),
          ...latencyCells(p.service),
          String(p.service.errors),
          fmt.rate(p.ceiling.throughput),
          fmt.ms(p.ceiling.p99Ms),
          fmt.pct(p.service.throughput / p.ceiling.throughput),
        ]),
      },
      cpuPerOperationTable('CPU per order of each process at each point.', perOperation),
      coreWaitPerOperationTable(perOperation),
    ],
    resources,
    verdicts: [
      {
        scenario: 'hot-sku',
        what: 'orders/s at 16 in flight vs its pgbench ceiling',
        measured: fmt.pct(ratio16),
        target: '>= 150%',
        met: ratio16 >= 1.5,
      },
      {
        scenario: 'hot-sku',
        what: 'oversell after the run',
        measured: `${stock.oversoldRows} oversold, ${stock.unbalancedRows} unbalanced rows, ${stock.driftRows} rows off their ledger`,
        target: '0',
        met: stock.ok,
      },
    ],
    notes: [
      `After the run, SKU ${hotSku}: ${stock.oversoldRows} rows with reserved > total, ${stock.unbalancedRows} rows whose reserved units differ from the reservations of orders awaiting payment, ${stock.driftRows} rows off their movement ledger.`,
    ],
    raw: { points, stock },
  };
}
