// ceiling alone (`make bench SCENARIO=ceiling`): pgbench with LOMS' CreateOrder statement, 3 random SKUs and
// the hot SKU, at 1, 16 and 64 clients. A full run measures these inside create-order and hot-sku instead.
import { seedBenchStock } from '../infra/seedBenchData';
import { concurrencies, createOrderCeiling } from './createOrder';
import { hotSkuCeiling, hotSkuConcurrencies } from './hotSku';
import { fmt, latencyCells, type BenchContext, type ScenarioResult } from './scenarioKit';

export async function ceilingScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.infra.freshDatabase('loms', 'ceiling');
  await seedBenchStock(url);
  const database = new URL(url).pathname.slice(1);
  const rows: string[][] = [];
  for (const c of concurrencies) {
    const point = await createOrderCeiling(ctx, database, c);
    rows.push(['create_order.sql', String(c), 'prepared', fmt.rate(point.prepared.throughput), ...latencyCells(point.prepared)]);
    rows.push(['create_order.sql', String(c), 'extended', fmt.rate(point.extended.throughput), ...latencyCells(point.extended)]);
  }
  for (const c of hotSkuConcurrencies) {
    const hot = await hotSkuCeiling(ctx, database, c);
    rows.push(['hot_sku.sql', String(c), 'prepared', fmt.rate(hot.throughput), ...latencyCells(hot)]);
  }
  return {
    name: 'ceiling',
    title: 'ceiling: pgbench alone',
    tables: [
      {
        caption: 'pgbench, custom scripts in bench/sql/. Latency in ms.',
        headers: ['script', 'clients', 'protocol', 'tps', 'p50', 'p90', 'p99', 'max'],
        rows,
      },
    ],
    resources: {},
    verdicts: [],
    notes: [],
    raw: { rows },
  };
}
