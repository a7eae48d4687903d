// Concurrent calls on one cart against the real stack: key-less Purchases make one order, the SKU limit holds.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, lomsClient, startCheckoutStack, type CheckoutClient, type LomsTestClient } from './checkoutStack';

let client: CheckoutClient;
let lomsDirect: LomsTestClient;
const stops: Array<() => unknown> = [];
let nextUser = 500;

beforeAll(async () => {
  const stack = await startCheckoutStack({ LOMS_TIMEOUT: '10s' });
  client = stack.client;
  lomsDirect = lomsClient(`localhost:${stack.loms.port}`);
  stops.push(
    () => stack.stop(),
    () => lomsDirect.close(),
  );
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Checkout under concurrent calls on one cart', () => {
  it('makes exactly one order from 50 concurrent Purchases of one cart without an idempotency key', async () => {
    // Several carts, each bought by 50 callers at once, spread over a few milliseconds so that some of
    // them read the cart while the first purchase is being recorded.
    for (let round = 0; round < 4; round++) {
      const userId = nextUser++;
      await client.addToCart({ userId, sku: 1001, count: 1 });
      await client.addToCart({ userId, sku: 1002, count: 2 });
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          await sleep(i * 2);
          return client.purchase({ userId, idempotencyKey: '' }).then(
            (res) => ({ orderId: res.orderId, code: grpc.status.OK }),
            (err: grpc.ServiceError) => ({ orderId: 0, code: err.code }),
          );
        }),
      );
      const { orders } = await lomsDirect.listOrders({ userId, pageSize: 100, pageToken: '' });
      expect(orders.map((o) => o.items)).toEqual([
        [
          { sku: 1001, count: 1 },
          { sku: 1002, count: 2 },
        ],
      ]);
      const orderId = orders[0]!.orderId;
      // Every caller either got that order or was told the cart is now empty.
      for (const outcome of outcomes)
        expect([
          { orderId, code: grpc.status.OK },
          { orderId: 0, code: grpc.status.FAILED_PRECONDITION },
        ]).toContainEqual(outcome);
      expect(outcomes.filter((o) => o.code === grpc.status.OK).length).toBeGreaterThanOrEqual(1);
      expect((await client.listCart({ userId })).items).toEqual([]);
    }
  }, 60_000);

  it('answers every one of 50 concurrent Purchases with one idempotency key with the same order', async () => {
    const userId = nextUser++;
    await client.addToCart({ userId, sku: 1003, count: 1 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await sleep(i * 2);
        return client.purchase({ userId, idempotencyKey: 'the-one-key' }).then(
          (res) => res.orderId,
          (err: grpc.ServiceError) => `code ${err.code}: ${err.details}`,
        );
      }),
    );
    const { orders } = await lomsDirect.listOrders({ userId, pageSize: 100, pageToken: '' });
    expect({ orders: orders.length, answers: new Set(answers) }).toEqual({ orders: 1, answers: new Set([orders[0]?.orderId]) });
  }, 60_000);

  it('lets exactly one of many concurrent AddToCarts of new SKUs into a cart of 99 SKUs in, and the cart never passes 100', async () => {
    const userId = nextUser++;
    const warmUpUser = nextUser++;
    const newSkus = Array.from({ length: 20 }, (_, i) => 1220 + i);
    // The catalogue answers from its cache then, so the calls meet at the cart rather than queue for products.
    for (const sku of newSkus) await client.addToCart({ userId: warmUpUser, sku, count: 1 });
    for (let sku = 1101; sku < 1101 + 99; sku++) await client.addToCart({ userId, sku, count: 1 });
    const codes = await Promise.all(newSkus.map((sku) => codeOf(client.addToCart({ userId, sku, count: 1 }))));
    expect(codes.filter((c) => c === grpc.status.OK)).toHaveLength(1);
    expect(codes.filter((c) => c === grpc.status.FAILED_PRECONDITION)).toHaveLength(19);
    const { items } = await client.listCart({ userId });
    expect(items).toHaveLength(100);
    // Units of a SKU already there still go in; a new SKU does not.
    expect(await codeOf(client.addToCart({ userId, sku: 1101, count: 1 }))).toBe(grpc.status.OK);
    expect(await codeOf(client.addToCart({ userId, sku: 1250, count: 1 }))).toBe(grpc.status.FAILED_PRECONDITION);
  }, 60_000);
});
