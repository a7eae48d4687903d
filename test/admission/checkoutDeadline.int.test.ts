// Checkout passes its caller's deadline on to LOMS: a call to LOMS made for a shopper's call never outlives it.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductsHandle } from '../../services/products/src/startProducts';
import { codeOf, startTestCheckout, startTestProducts, type CheckoutClient } from '../../services/checkout/test/integration/checkoutStack';
import { report } from '../e2e/support/measurements';
import { startFakeLoms, type FakeLoms, type SeenCall } from './support/fakeLoms';

// Far longer than the shopper's deadlines below: only the shopper's deadline can explain a short one at LOMS.
const lomsTimeoutMs = 10_000;
const shopperDeadlineMs = 1_000;
// The deadline travels as a relative grpc-timeout and each hop starts counting when the header arrives, so a
// hop's transit (and a loaded machine's event loop) may put it a little later.
const transitAllowanceMs = 250;

let fakeLoms: FakeLoms;
let products: ProductsHandle;
let checkout: Awaited<ReturnType<typeof startTestCheckout>>;
let client: CheckoutClient;

beforeAll(async () => {
  fakeLoms = await startFakeLoms();
  products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });
  checkout = await startTestCheckout({
    LOMS_ADDR: fakeLoms.address,
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    LOMS_TIMEOUT: `${lomsTimeoutMs}ms`,
  });
  client = checkout.client;
});

afterAll(async () => {
  client?.close();
  await checkout?.handle.stop();
  await products?.stop();
  fakeLoms?.stop();
});

async function seenAtLoms(method: string, since: number): Promise<SeenCall> {
  await expect.poll(() => fakeLoms.calls.slice(since).some((c) => c.method === method), { timeout: 5_000 }).toBe(true);
  return fakeLoms.calls.slice(since).find((c) => c.method === method)!;
}

describe("Checkout and its caller's deadline", () => {
  for (const [method, lomsMethod] of [
    ['AddToCart', 'Stocks'],
    ['Purchase', 'CreateOrder'],
  ] as const) {
    it(`gives LOMS ${lomsMethod} no more time than the shopper gave ${method}, and cancels it when the shopper's deadline passes`, async () => {
      const userId = method === 'AddToCart' ? 11 : 12;
      if (method === 'Purchase') {
        fakeLoms.holdStocks = false;
        await client.addToCart({ userId, sku: 1001, count: 1 });
      }
      fakeLoms.holdStocks = true;
      const since = fakeLoms.calls.length;
      const shopperDeadline = Date.now() + shopperDeadlineMs;
      const answer =
        method === 'AddToCart'
          ? codeOf(client.addToCart({ userId, sku: 1001, count: 1 }, shopperDeadlineMs))
          : codeOf(client.purchase({ userId, idempotencyKey: 'deadline-1' }, shopperDeadlineMs));
      const seen = await seenAtLoms(lomsMethod, since);
      expect(await answer).toBe(grpc.status.DEADLINE_EXCEEDED);
      const until = Date.now() + 3_000;
      while (seen.cancelledAtMs === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      report('checkout passes the deadline on', {
        method,
        lomsMethod,
        lomsDeadlineAfterShopperMs: seen.deadlineMs - shopperDeadline,
        lomsCancelledAfterShopperDeadlineMs: seen.cancelledAtMs === undefined ? 'not within 3 s' : seen.cancelledAtMs - shopperDeadline,
      });
      expect(seen.deadlineMs).toBeLessThanOrEqual(shopperDeadline + transitAllowanceMs);
      expect(seen.cancelledAtMs).toBeDefined();
      expect(seen.cancelledAtMs!).toBeLessThanOrEqual(shopperDeadline + 1_000);
    });
  }

  it('keeps its own LOMS_TIMEOUT when the shopper allows more', async () => {
    fakeLoms.holdStocks = false;
    const since = fakeLoms.calls.length;
    const sent = Date.now();
    await client.addToCart({ userId: 13, sku: 1001, count: 1 }, 60_000);
    const seen = await seenAtLoms('Stocks', since);
    expect(seen.deadlineMs).toBeGreaterThan(sent + lomsTimeoutMs - 2_000);
    expect(seen.deadlineMs).toBeLessThanOrEqual(Date.now() + lomsTimeoutMs + transitAllowanceMs);
  });
});
