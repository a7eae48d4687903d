// purchase: AddToCart x3 + Purchase through Checkout, which calls ProductService (no limit, no latency)
// and LOMS; one operation is those four calls for a user of its own. After the measured points, one
// 16-in-flight run against a Checkout under --cpu-prof says where its CPU goes.
import { bearer, devToken } from '@shop/devstack';
import { checkoutBenchClient, type CheckoutBenchClient } from '../loadgen/benchClients';
import { runLoad, type LoadResult } from '../loadgen/runLoad';
import { seedBenchStock, writeCatalogue } from '../infra/seedBenchData';
import { startService, type RunningService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { skuRanges } from '../sql/ceilingScripts';
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
  type ScenarioResult,
} from './scenarioKit';
import { profiledRun, profileTables, type KeptProfile } from './profiledRun';

const purchaseConcurrencies = [1, 16] as const;

export async function purchaseScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const lomsUrl = await ctx.infra.freshDatabase('loms', 'purchase');
  const checkoutUrl = await ctx.infra.freshDatabase('checkout', 'purchase');
  await seedBenchStock(lomsUrl);
  const brokers = ctx.infra.brokers.join(',');
  const started: RunningService[] = [];
  const resources = {};
  const points: { concurrency: number; load: LoadResult; resources: Record<string, ResourceFigures> }[] = [];
  let profile: KeptProfile | undefined;
  try {
    const products = await startService({
      name: 'products',
      root: ctx.root,
      env: { CATALOGUE_FILE: writeCatalogue(ctx.workDir), PRODUCTS_RATE_LIMIT_RPS: '0', PRODUCTS_LATENCY: '0ms' },
      say: ctx.say,
    });
    started.push(products);
    const loms = await startService({
      name: 'loms',
      root: ctx.root,
      env: { LOMS_DATABASE_URL: lomsUrl, KAFKA_BROKERS: brokers, OUTBOX_RELAY_ENABLED: 'false' },
      say: ctx.say,
    });
    started.push(loms);
    const checkoutEnv = {
      CHECKOUT_DATABASE_URL: checkoutUrl,
      LOMS_ADDR: loms.grpcAddress,
      PRODUCTS_ADDR: products.grpcAddress,
      PRODUCTS_RATE_LIMIT_RPS: '0',
    };
    const checkout = await startService({ name: 'checkout', root: ctx.root, env: checkoutEnv, say: ctx.say });
    started.push(checkout);
    await withClient(checkout, async (client) => {
      for (const concurrency of purchaseConcurrencies) {
        // Users of earlier points must not be reused: their carts were bought, but keep them apart anyway.
        const measured = await measuredLoad(ctx, [checkout, loms, products], {
          label: `purchase ${concurrency} in flight`,
          concurrency,
          operation: buying(client, concurrency * 10_000_000),
        });
        mergeResources(resources, measured.resources);
        points.push({ concurrency, load: measured.load, resources: measured.resources });
      }
    });
    await started.pop()?.stop();
    profile = await profiledRun(ctx, {
      service: { name: 'checkout', env: checkoutEnv },
      keptAs: 'checkout-purchase',
      load: (profiled) =>
        withClient(profiled, (client) =>
          runLoad({
            ...ctx.timing,
            label: 'purchase 16 in flight, Checkout under --cpu-prof',
            concurrency: 16,
            operation: buying(client, 99_000_000),
          }),
        ),
    });
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
  const stock = await checkStock(lomsUrl);
  const at1 = points.find((p) => p.concurrency === 1);
  const at16 = points.find((p) => p.concurrency === 16);
  const perOperation = points.map((p) => ({ label: `${p.concurrency} in flight`, throughput: p.load.throughput, resources: p.resources }));
  return {
    name: 'purchase',
    title: 'purchase: AddToCart x3 + Purchase through Checkout',
    tables: [
      {
        caption:
          'One operation = 3 AddToCart + 1 Purchase (4 gRPC calls to Checkout, which makes 3 Stocks + 1 CreateOrder calls to LOMS and, cache cold, GetProduct calls). Latency of the whole operation in ms.',
        headers: ['in flight', 'purchases/s', 'Checkout calls/s', 'p50', 'p90', 'p99', 'max', 'errors'],
        rows: points.map((p) => [
          String(p.concurrency),
          fmt.rate(p.load.throughput),
          fmt.rate(p.load.throughput * 4),
          ...latencyCells(p.load),
          String(p.load.errors),
        ]),
      },
      cpuPerOperationTable('CPU per purchase (3 AddToCart + Purchase) of each process at each point.', perOperation),
      coreWaitPerOperationTable(perOperation),
      ...profileTables('Checkout', '16 purchases in flight', profile),
    ],
    resources,
    verdicts: [
      {
        scenario: 'purchase',
        what: 'p50 of a purchase at 1 in flight',
        measured: `${fmt.ms(at1?.load.p50Ms ?? 0)} ms`,
        target: '<= 12 ms',
        met: (at1?.load.p50Ms ?? Infinity) <= 12,
      },
      {
        scenario: 'purchase',
        what: 'purchases/s at 16 in flight',
        measured: fmt.rate(at16?.load.throughput ?? 0),
        target: '>= 300',
        met: (at16?.load.throughput ?? 0) >= 300,
      },
    ],
    notes: [
      `Stock after the run: ${stock.oversoldRows} oversold rows, ${stock.unbalancedRows} unbalanced rows, ${stock.driftRows} rows off their ledger.`,
    ],
    raw: { points, profile, stock },
  };
}

async function withClient<T>(checkout: RunningService, use: (client: CheckoutBenchClient) => Promise<T>): Promise<T> {
  const client = checkoutBenchClient(checkout.grpcAddress);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** One purchase an operation, each by a shopper of its own (users from userBase up): a new token, 3 adds, the purchase. */
function buying(client: CheckoutBenchClient, userBase: number) {
  return async (_: number, seq: number) => {
    const userId = userBase + uniqueUser(seq);
    // Checkout verifies each token once, then serves the rest of the purchase from its cache.
    const token = bearer(await devToken({ userId }));
    for (const item of randomOrderItems(skuRanges))
      await client.call((c) => c.addToCart, { userId, sku: item.sku, count: item.count }, token);
    await client.call((c) => c.purchase, { userId, idempotencyKey: '' }, token);
  };
}
