import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { clientCredentials, readStatusDetails } from '@shop/platform';
import { product } from '@shop/proto';
import { repoRoot } from '@shop/devstack';
import { startInProcess } from '@shop/testkit';
import { loadProductsConfig } from '../../src/config';
import { startProducts, type ProductsHandle } from '../../src/startProducts';

const root = repoRoot();
const running: Array<{ stop(): unknown }> = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

async function start(env: Record<string, string> = {}): Promise<{ products: ProductsHandle; client: product.ProductServiceClient }> {
  const products = await startInProcess(
    { name: 'products', loadConfig: loadProductsConfig, start: startProducts },
    { CATALOGUE_FILE: path.join(root, 'data/catalogue.json'), SHUTDOWN_GRACE: '100ms', ...env },
  );
  running.push(products);
  const client = new product.ProductServiceClient(
    `localhost:${products.grpcPort}`,
    clientCredentials({ caFile: path.join(root, 'certs/ca.crt') }),
  );
  running.push({ stop: () => client.close() });
  return { products, client };
}

function getProduct(
  client: product.ProductServiceClient,
  sku: number,
  options: { token?: string; timeoutMs?: number } = {},
): Promise<product.GetProductResponse> {
  const metadata = new grpc.Metadata();
  if (options.token) metadata.set('authorization', `Bearer ${options.token}`);
  return new Promise((resolve, reject) =>
    client.getProduct({ sku }, metadata, { deadline: Date.now() + (options.timeoutMs ?? 5_000) }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => grpc.status.OK,
    (err: grpc.ServiceError) => err.code,
  );

describe('local ProductService', () => {
  it('answers the name and unit price of a catalogue SKU and NOT_FOUND for an unknown one', async () => {
    const { client } = await start();
    await expect(getProduct(client, 1001)).resolves.toEqual({ name: 'Cozy Mug', price: 11845 });
    expect(await codeOf(getProduct(client, 999_999))).toBe(grpc.status.NOT_FOUND);
  });

  it('refuses sku 0 with INVALID_ARGUMENT naming the field', async () => {
    const { client } = await start();
    const err = await getProduct(client, 0).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(readStatusDetails(err as grpc.ServiceError)).toEqual([
      { kind: 'BadRequest', value: { fieldViolations: [expect.objectContaining({ field: 'sku' })] } },
    ]);
  });

  it('lists SKUs in ascending pages after the given SKU', async () => {
    const { client } = await start();
    const list = (request: product.ListSkusRequest) =>
      new Promise<product.ListSkusResponse>((resolve, reject) =>
        client.listSkus(request, new grpc.Metadata(), { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res))),
      );
    await expect(list({ startAfterSku: 0, count: 3 })).resolves.toEqual({ skus: [1001, 1002, 1003] });
    await expect(list({ startAfterSku: 1298, count: 5 })).resolves.toEqual({ skus: [1299, 1300] });
    expect((await list({ startAfterSku: 0, count: 0 })).skus).toHaveLength(100);
  });

  it('requires the configured access token and answers UNAUTHENTICATED without it or with a wrong one', async () => {
    const { client } = await start({ PRODUCTS_ACCESS_TOKEN: 's3cret' });
    expect(await codeOf(getProduct(client, 1001))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(getProduct(client, 1001, { token: 'wrong' }))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(getProduct(client, 1001, { token: 's3cret' }))).toBe(grpc.status.OK);
  });

  it('answers RESOURCE_EXHAUSTED to a client over its rate and counts every call it received', async () => {
    const { products, client } = await start({ PRODUCTS_RATE_LIMIT_RPS: '10' });
    const codes = await Promise.all(Array.from({ length: 15 }, (_, i) => codeOf(getProduct(client, 1001 + i))));
    expect(codes.filter((c) => c === grpc.status.OK)).toHaveLength(10);
    expect(codes.filter((c) => c === grpc.status.RESOURCE_EXHAUSTED)).toHaveLength(5);
    expect(products.calls).toBe(15);
    const metrics = await fetch(`http://127.0.0.1:${products.adminPort}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/products_calls_total\{method="GetProduct"\} 15/);
  });

  it('fails with UNAVAILABLE at the configured failure ratio', async () => {
    const { client } = await start({ PRODUCTS_FAILURE_RATIO: '1' });
    expect(await codeOf(getProduct(client, 1001))).toBe(grpc.status.UNAVAILABLE);
  });

  it('adds the configured latency, so a caller with a shorter deadline sees DEADLINE_EXCEEDED', async () => {
    const { client } = await start({ PRODUCTS_LATENCY: '10s' });
    expect(await codeOf(getProduct(client, 1001, { timeoutMs: 200 }))).toBe(grpc.status.DEADLINE_EXCEEDED);
  });
});
