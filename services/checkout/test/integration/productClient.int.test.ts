import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, startTestCheckout, startTestProducts } from './checkoutStack';

const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

// LOMS is not needed to list carts; the address points at nothing.
async function startWithProducts(productsEnv: Record<string, string>, checkoutEnv: Record<string, string> = {}) {
  const products = await startTestProducts(productsEnv);
  stops.push(() => products.stop());
  const checkout = await startTestCheckout({ LOMS_ADDR: 'localhost:1', PRODUCTS_ADDR: `localhost:${products.grpcPort}`, ...checkoutEnv });
  stops.push(
    () => checkout.handle.stop(),
    () => checkout.client.close(),
  );
  return { products, ...checkout };
}

/** Fills carts straight in the database, so that every product lookup is left to ListCart. */
async function fillCart(databaseUrl: string, userId: number, skus: number[]): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query('INSERT INTO cart_items (user_id, sku, count) SELECT $1, unnest($2::bigint[]), 1', [userId, skus]);
  await db.end();
}

const skus = (n: number) => Array.from({ length: n }, (_, i) => 1001 + i);

describe('Checkout against a rate-limited, slow ProductService', () => {
  it('lists a 30-SKU cart at 10 rps with 50 ms latency without RESOURCE_EXHAUSTED, and a second listing within the TTL asks nothing', async () => {
    const { products, client, databaseUrl } = await startWithProducts({ PRODUCTS_RATE_LIMIT_RPS: '10', PRODUCTS_LATENCY: '50ms' });
    await fillCart(databaseUrl, 1, skus(30));

    const startedMs = Date.now();
    const first = await client.listCart({ userId: 1 }, 20_000);
    console.log(`ListCart of 30 SKUs at 10 rps, 50 ms latency: ${Date.now() - startedMs} ms, ${products.calls} product calls`);
    expect(first.items.map((i) => i.sku)).toEqual(skus(30));
    expect(products.calls).toBe(30); // one call a SKU: none refused and retried

    const second = await client.listCart({ userId: 1 });
    expect(second).toEqual(first);
    expect(products.calls).toBe(30);
  });

  it('makes one product call per SKU when two carts with the same SKUs are listed at once', async () => {
    const { products, client, databaseUrl } = await startWithProducts({ PRODUCTS_RATE_LIMIT_RPS: '0', PRODUCTS_LATENCY: '50ms' });
    await fillCart(databaseUrl, 1, skus(5));
    await fillCart(databaseUrl, 2, skus(5));
    await Promise.all([client.listCart({ userId: 1 }), client.listCart({ userId: 2 })]);
    expect(products.calls).toBe(5);
  });

  it('sends the access token the ProductService requires', async () => {
    const { client, databaseUrl } = await startWithProducts({ PRODUCTS_ACCESS_TOKEN: 'tok-123' }, { PRODUCTS_ACCESS_TOKEN: 'tok-123' });
    await fillCart(databaseUrl, 1, [1001]);
    expect((await client.listCart({ userId: 1 })).items).toHaveLength(1);
  });

  it('answers UNAVAILABLE, not INTERNAL, when the ProductService refuses our token', async () => {
    const { client, databaseUrl } = await startWithProducts({ PRODUCTS_ACCESS_TOKEN: 'tok-123' }, { PRODUCTS_ACCESS_TOKEN: 'wrong' });
    await fillCart(databaseUrl, 1, [1001]);
    expect(await codeOf(client.listCart({ userId: 1 }))).toBe(grpc.status.UNAVAILABLE);
  });

  it('rides out occasional ProductService failures with retries', async () => {
    const { client, databaseUrl } = await startWithProducts({ PRODUCTS_RATE_LIMIT_RPS: '0', PRODUCTS_FAILURE_RATIO: '0.1' });
    await fillCart(databaseUrl, 1, skus(10));
    expect((await client.listCart({ userId: 1 })).items).toHaveLength(10);
  });

  it('answers DEADLINE_EXCEEDED, not a hang, when the ProductService takes 10 s', async () => {
    const { client, databaseUrl } = await startWithProducts({ PRODUCTS_LATENCY: '10s' }, { PRODUCTS_TIMEOUT: '300ms' });
    await fillCart(databaseUrl, 1, [1001]);
    expect(await codeOf(client.listCart({ userId: 1 }, 5_000))).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(await codeOf(client.addToCart({ userId: 2, sku: 1001, count: 1 }, 5_000))).toBe(grpc.status.DEADLINE_EXCEEDED);
  });
});
