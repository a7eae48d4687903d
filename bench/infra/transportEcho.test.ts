// The transport echo answers CreateOrder at once over mutual TLS, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@shop/devstack';
import { lomsBenchClient } from '../loadgen/benchClients';
import { startTransportEcho } from './transportEchoProcess';

let echo: Awaited<ReturnType<typeof startTransportEcho>>;
beforeAll(async () => {
  echo = await startTransportEcho(repoRoot());
}, 30_000);
afterAll(() => echo?.stop());

describe('the transport echo', () => {
  it('answers CreateOrder with a new order id each call, and refuses other methods', async () => {
    const client = lomsBenchClient(echo.grpcAddress);
    try {
      const request = { userId: 1, items: [{ sku: 1, count: 1 }], idempotencyKey: '' };
      const first = await client.call((c) => c.createOrder, request);
      const second = await client.call((c) => c.createOrder, request);
      expect(second.orderId).toBe(first.orderId + 1);
      await expect(client.call((c) => c.getOrder, { orderId: first.orderId })).rejects.toMatchObject({ code: 12 });
      expect(echo.failure()).toBeUndefined();
    } finally {
      client.close();
    }
  });
});
