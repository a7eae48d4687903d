// The queues in front of scarce resources are bounded: a connection may carry only so many streams, calls wait
// for a database connection only behind so many others, and Checkout's product lookups queue only so deep;
// beyond a bound a call is refused with RESOURCE_EXHAUSTED at once instead of waiting in memory.
import http2 from 'node:http2';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { certsDir } from '@shop/devstack';
import { startLomsTestServer, setStock } from '../../services/loms/test/integration/lomsTestServer';
import { codeOf, startTestCheckout, startTestProducts } from '../../services/checkout/test/integration/checkoutStack';
import { startFakeLoms } from './support/fakeLoms';

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

interface Timed {
  code: grpc.status;
  elapsedMs: number;
}

const timed = async (call: Promise<unknown>): Promise<Timed> => {
  const started = performance.now();
  const code = await codeOf(call);
  return { code, elapsedMs: performance.now() - started };
};

describe('bounded queues', () => {
  it('tells clients how many streams one connection may open (GRPC_MAX_CONCURRENT_STREAMS)', async () => {
    const products = await startTestProducts({ GRPC_MAX_CONCURRENT_STREAMS: '7' });
    stops.push(() => products.stop());
    const session = http2.connect(`https://localhost:${products.grpcPort}`, { ca: fs.readFileSync(`${certsDir()}/ca.crt`) });
    stops.push(() => session.close());
    const settings = await new Promise<http2.Settings>((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
    expect(settings.maxConcurrentStreams).toBe(7);
  });

  it('refuses a call at once when DB_POOL_QUEUE_MAX calls already wait for a database connection', async () => {
    // Enough batch slots that each call is a batch of its own and queues for the pool, not in front of it.
    const loms = await startLomsTestServer({
      DB_POOL_MAX: '1',
      DB_POOL_QUEUE_MAX: '2',
      DB_STATEMENT_TIMEOUT: '60s',
      ORDER_BATCHES_IN_FLIGHT: '8',
    });
    stops.push(() => loms.stop());
    await setStock(loms.pool, [{ sku: 1001, warehouseId: 1, total: 100 }]);
    // The one connection's statement waits on this lock, the next two calls wait for the connection.
    const holder = new Client({ connectionString: loms.databaseUrl });
    await holder.connect();
    stops.push(() => holder.end());
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM stocks WHERE sku = 1001 FOR UPDATE');
    const order = (i: number) => loms.call((c) => c.createOrder, { userId: 1, items: [{ sku: 1001, count: 1 }], idempotencyKey: `q-${i}` });

    const held = [0, 1, 2].map((i) => timed(order(i)));
    await expect.poll(() => loms.handle.registry.getSingleMetricAsString('db_pool_connections')).toMatch(/state="waiting"} 2$/m);
    const refused = await Promise.all([3, 4, 5].map((i) => timed(order(i))));
    expect(refused.map((r) => grpc.status[r.code])).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED']);
    expect(Math.max(...refused.map((r) => r.elapsedMs))).toBeLessThan(1_000);

    await holder.query('ROLLBACK');
    expect((await Promise.all(held)).map((r) => grpc.status[r.code])).toEqual(['OK', 'OK', 'OK']);
  });

  it('refuses a product lookup at once when PRODUCTS_QUEUE_MAX lookups already wait for a free slot', async () => {
    const fakeLoms = await startFakeLoms();
    stops.push(() => fakeLoms.stop());
    const products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0', PRODUCTS_LATENCY: '1s' });
    stops.push(() => products.stop());
    const checkout = await startTestCheckout({
      LOMS_ADDR: fakeLoms.address,
      PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
      PRODUCTS_RATE_LIMIT_RPS: '0',
      PRODUCTS_MAX_IN_FLIGHT: '1',
      PRODUCTS_QUEUE_MAX: '3',
    });
    stops.push(
      () => checkout.handle.stop(),
      () => checkout.client.close(),
    );
    // Ten SKUs nobody has asked for yet, at once: one lookup runs (for a second), three queue, six are refused.
    const adds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => timed(checkout.client.addToCart({ userId: 20 + i, sku: 1001 + i, count: 1 }, 20_000))),
    );
    const refused = adds.filter((a) => a.code === grpc.status.RESOURCE_EXHAUSTED);
    expect(adds.filter((a) => a.code === grpc.status.OK)).toHaveLength(4);
    expect(refused).toHaveLength(6);
    expect(Math.max(...refused.map((r) => r.elapsedMs))).toBeLessThan(1_000);
  });
});
