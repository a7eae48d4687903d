// Two LOMS replicas (real processes) on one database and broker behind one Checkout whose LOMS_ADDR lists both:
// Checkout's calls go round robin, both replicas serve, one relay publishes, and every acknowledged order exists.
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, type RunningBundle, startKafkaBroker } from '@shop/devstack';
import { eventually, spawnService, sumMetric } from '@shop/testkit';
import type { CheckoutHandle } from '../../services/checkout/src/startCheckout';
import { type CheckoutClient, startTestCheckout, startTestProducts } from '../../services/checkout/test/integration/checkoutStack';
import type { ProductsHandle } from '../../services/products/src/startProducts';
import { seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';

const purchases = 40;
const inFlight = 8;

let broker: KafkaBroker | undefined;
let products: ProductsHandle | undefined;
let checkout: { handle: CheckoutHandle; client: CheckoutClient } | undefined;
let lomsDb: Pool | undefined;
const replicas: RunningBundle[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  const databaseUrl = await seededLomsDatabase();
  lomsDb = new Pool({ connectionString: databaseUrl, max: 2 });
  const lomsEnv = { LOMS_DATABASE_URL: databaseUrl, KAFKA_BROKERS: broker.brokers.join(','), OUTBOX_POLL_INTERVAL: '50ms' };
  replicas.push(...(await Promise.all([spawnService({ name: 'loms', env: lomsEnv }), spawnService({ name: 'loms', env: lomsEnv })])));
  products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });
  checkout = await startTestCheckout({
    LOMS_ADDR: replicas.map((r) => `127.0.0.1:${r.grpcPort}`).join(','),
    // The name the dev certificate is checked against instead of the first replica's IP address.
    LOMS_TLS_SERVER_NAME: 'localhost',
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
  });
}, 60_000);

afterAll(async () => {
  checkout?.client.close();
  await checkout?.handle.stop();
  await products?.stop();
  await Promise.all(replicas.map((r) => r.stop(3_000).catch(() => undefined)));
  await lomsDb?.end();
  await broker?.stop();
});

const createOrdersOn = (replica: RunningBundle) =>
  sumMetric(replica.adminPort, 'grpc_server_handled_total', { grpc_method: 'CreateOrder', grpc_code: 'OK', caller: 'checkout' });

describe('Checkout in front of two LOMS replicas', () => {
  it('spreads its calls over both replicas round robin, and every acknowledged order exists in the shared database', async () => {
    const client = checkout!.client;
    const acknowledged: { orderId: number; userId: number; sku: number }[] = [];
    const shopper = async (lane: number) => {
      for (let n = lane; n < purchases; n += inFlight) {
        const userId = 61_000 + n;
        const sku = 1001 + (n % 20);
        await client.addToCart({ userId, sku, count: 1 });
        const { orderId } = await client.purchase({ userId, idempotencyKey: `round-robin-${n}` });
        acknowledged.push({ orderId, userId, sku });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, (_, lane) => shopper(lane)));

    expect(acknowledged).toHaveLength(purchases);
    const served = await Promise.all(replicas.map(createOrdersOn));
    // Round robin over two ready replicas alternates: neither may be left with a small share.
    for (const count of served) expect(count).toBeGreaterThanOrEqual(purchases / 4);
    expect(served.reduce((a, b) => a + b, 0)).toBe(purchases);
    const stocksServed = await Promise.all(
      replicas.map((r) => sumMetric(r.adminPort, 'grpc_server_handled_total', { grpc_method: 'Stocks' })),
    );
    for (const count of stocksServed) expect(count).toBeGreaterThan(0);

    const { rows } = await lomsDb!.query<{ id: string; user_id: string; status: string; sku: string }>(
      `SELECT o.id, o.user_id, o.status, i.sku FROM orders o, jsonb_to_recordset(o.items) AS i(sku bigint) WHERE o.id = ANY ($1::bigint[])`,
      [acknowledged.map((a) => a.orderId)],
    );
    const stored = new Map(rows.map((r) => [Number(r.id), { userId: Number(r.user_id), status: r.status, sku: Number(r.sku) }]));
    for (const order of acknowledged)
      expect(stored.get(order.orderId), `order ${order.orderId}`).toEqual({
        userId: order.userId,
        status: 'AWAITING_PAYMENT',
        sku: order.sku,
      });

    // The relay is one across replicas: one leads, and it publishes every replica's events.
    const active = await Promise.all(replicas.map((r) => sumMetric(r.adminPort, 'loms_outbox_relay_active', {})));
    await eventually(
      'every order event published',
      async () => (await lomsDb!.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]?.n,
      (n) => n === '0',
    );
    expect(active.sort()).toEqual([0, 1]);
  });
});
