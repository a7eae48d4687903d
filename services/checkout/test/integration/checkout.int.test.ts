import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatusDetails } from '@shop/platform';
import { loms } from '@shop/proto';
import { codeOf, errorOf, lomsClient, startCheckoutStack, type CheckoutClient, type LomsTestClient, type TestLoms } from './checkoutStack';

let testLoms: TestLoms;
let client: CheckoutClient;
let lomsDirect: LomsTestClient;
const stops: Array<() => unknown> = [];
let nextUser = 1;
const newUser = () => nextUser++;

beforeAll(async () => {
  const stack = await startCheckoutStack();
  testLoms = stack.loms;
  client = stack.client;
  lomsDirect = lomsClient(`localhost:${testLoms.port}`);
  stops.push(
    () => stack.stop(),
    () => lomsDirect.close(),
  );
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function setStockTotal(sku: number, total: number): Promise<void> {
  const db = new Client({ connectionString: testLoms.databaseUrl });
  await db.connect();
  await db.query('UPDATE stocks SET total = $2 WHERE sku = $1 AND reserved <= $2', [sku, total]);
  await db.end();
}

describe('Checkout carts', () => {
  it('lists added items by SKU with catalogue names and unit prices, and the total', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1002, count: 2 });
    await client.addToCart({ userId, sku: 1001, count: 1 });
    await client.addToCart({ userId, sku: 1002, count: 1 });
    await expect(client.listCart({ userId })).resolves.toEqual({
      items: [
        { sku: 1001, count: 1, name: 'Cozy Mug', price: 11845 },
        { sku: 1002, count: 3, name: 'Sturdy Mug', price: 3235 },
      ],
      totalPrice: 11845 + 3 * 3235,
    });
  });

  it('answers NOT_FOUND for a product the catalogue does not know', async () => {
    expect(await codeOf(client.addToCart({ userId: newUser(), sku: 999_999, count: 1 }))).toBe(grpc.status.NOT_FOUND);
  });

  it('answers FAILED_PRECONDITION with the SKU and counts when LOMS has less available than the cart would hold', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1003, count: 20 }); // 25 in stock
    const err = await errorOf(client.addToCart({ userId, sku: 1003, count: 6 }));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(readStatusDetails(err)).toContainEqual({
      kind: 'PreconditionFailure',
      value: { violations: [{ type: 'STOCK', subject: 'sku:1003', description: 'requested 26, available 25' }] },
    });
    expect(await codeOf(client.addToCart({ userId, sku: 1065, count: 1 }))).toBe(grpc.status.FAILED_PRECONDITION); // no stock rows
    expect((await client.listCart({ userId })).items).toEqual([expect.objectContaining({ sku: 1003, count: 20 })]);
  });

  it('adds up concurrent AddToCart calls for one user and SKU', async () => {
    const userId = newUser();
    await Promise.all(Array.from({ length: 20 }, () => client.addToCart({ userId, sku: 1001, count: 2 })));
    expect((await client.listCart({ userId })).items).toEqual([expect.objectContaining({ sku: 1001, count: 40 })]);
  });

  it('deletes up to the given count, drops the item at 0, and accepts deleting what is not there', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1001, count: 5 });
    await client.addToCart({ userId, sku: 1002, count: 1 });
    await client.deleteFromCart({ userId, sku: 1001, count: 2 });
    await client.deleteFromCart({ userId, sku: 1002, count: 10 });
    await client.deleteFromCart({ userId, sku: 1100, count: 1 });
    expect((await client.listCart({ userId })).items).toEqual([expect.objectContaining({ sku: 1001, count: 3 })]);
  });

  it('clears the cart', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1001, count: 1 });
    await client.clearCart({ userId });
    await expect(client.listCart({ userId })).resolves.toEqual({ items: [], totalPrice: 0 });
  });

  it('refuses out-of-bounds input with INVALID_ARGUMENT naming each field', async () => {
    const fields = async (call: Promise<unknown>) => {
      const err = await errorOf(call);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      const badRequest = readStatusDetails(err).find((d) => d.kind === 'BadRequest');
      return badRequest?.kind === 'BadRequest' ? badRequest.value.fieldViolations.map((v) => v.field) : [];
    };
    expect(await fields(client.addToCart({ userId: 0, sku: 0, count: 10_001 }))).toEqual(['user_id', 'sku', 'count']);
    expect(await fields(client.deleteFromCart({ userId: 1, sku: 1001, count: 0 }))).toEqual(['count']);
    expect(await fields(client.listCart({ userId: -1 }))).toEqual(['user_id']);
    expect(await fields(client.clearCart({ userId: 0 }))).toEqual(['user_id']);
    expect(await fields(client.purchase({ userId: 1, idempotencyKey: 'k'.repeat(129) }))).toEqual(['idempotency_key']);
  });
});

describe('Checkout purchase', () => {
  it('turns the cart into a LOMS order with the same items and clears the cart', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1004, count: 2 });
    await client.addToCart({ userId, sku: 1001, count: 1 });
    const { orderId } = await client.purchase({ userId, idempotencyKey: 'buy-1' });
    const { order } = await lomsDirect.getOrder({ orderId });
    expect(order).toMatchObject({
      orderId,
      userId,
      status: loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT,
      items: [
        { sku: 1001, count: 1 },
        { sku: 1004, count: 2 },
      ],
    });
    await expect(client.listCart({ userId })).resolves.toEqual({ items: [], totalPrice: 0 });
  });

  it('answers the same order id for the same key again, with no second order', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1001, count: 1 });
    const first = await client.purchase({ userId, idempotencyKey: 'again' });
    await expect(client.purchase({ userId, idempotencyKey: 'again' })).resolves.toEqual(first);
    expect((await lomsDirect.listOrders({ userId, pageSize: 0, pageToken: '' })).orders).toHaveLength(1);
  });

  it('makes one order when Purchase is retried concurrently with one key', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1001, count: 1 });
    await client.addToCart({ userId, sku: 1002, count: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, () => client.purchase({ userId, idempotencyKey: 'race' })));
    expect(new Set(results.map((r) => r.orderId)).size).toBe(1);
    expect((await lomsDirect.listOrders({ userId, pageSize: 0, pageToken: '' })).orders).toHaveLength(1);
    await expect(client.listCart({ userId })).resolves.toEqual({ items: [], totalPrice: 0 });
  });

  it('refuses to buy an empty cart with FAILED_PRECONDITION', async () => {
    expect(await codeOf(client.purchase({ userId: newUser(), idempotencyKey: '' }))).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it("passes LOMS' FAILED_PRECONDITION through with its details and keeps the cart", async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1006, count: 3 });
    await setStockTotal(1006, 0);
    const err = await errorOf(client.purchase({ userId, idempotencyKey: 'short' }));
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    const details = readStatusDetails(err);
    expect(details).toContainEqual({
      kind: 'ErrorInfo',
      value: { reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1', metadata: { order_id: expect.any(String), violations_total: '1' } },
    });
    expect(details).toContainEqual({
      kind: 'PreconditionFailure',
      value: { violations: [expect.objectContaining({ type: 'STOCK', subject: 'sku:1006' })] },
    });
    expect((await client.listCart({ userId })).items).toEqual([expect.objectContaining({ sku: 1006, count: 3 })]);
  });

  it('without a key, buys the same contents twice as two orders', async () => {
    const userId = newUser();
    await client.addToCart({ userId, sku: 1001, count: 1 });
    const first = await client.purchase({ userId, idempotencyKey: '' });
    await client.addToCart({ userId, sku: 1001, count: 1 });
    const second = await client.purchase({ userId, idempotencyKey: '' });
    expect(second.orderId).not.toBe(first.orderId);
  });
});
