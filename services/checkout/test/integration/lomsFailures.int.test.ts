import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { callerPermissions, createLogger, startGrpcServer } from '@shop/platform';
import { lomsCredentials } from '@shop/devstack';
import { lomsCallerPermissions } from '../../../loms/src/transport/grpc/callerPermissions';
import { loms } from '@shop/proto';
import { codeOf, lomsClient, root, startTestCheckout, startTestLoms, startTestProducts } from './checkoutStack';

const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startCheckoutWithLomsAt(lomsAddress: string, lomsTimeout: string) {
  const products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });
  stops.push(() => products.stop());
  const checkout = await startTestCheckout({
    LOMS_ADDR: lomsAddress,
    LOMS_TIMEOUT: lomsTimeout,
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
  });
  stops.push(
    () => checkout.handle.stop(),
    () => checkout.client.close(),
  );
  return checkout.client;
}

async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not succeed in ${timeoutMs} ms: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A LOMS in front of the real one that forwards every call but swallows the answers to the first `dropCreateOrders` CreateOrders. */
async function startLossyLomsProxy(upstreamAddress: string, dropCreateOrders: { remaining: number }) {
  const upstream = new loms.LomsServiceClient(upstreamAddress, lomsCredentials('checkout')) as unknown as Record<
    string,
    (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void
  >;
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(loms.LomsServiceService)) {
    implementation[method] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
      upstream[method]?.(call.request, (err, res) => {
        if (method === 'createOrder' && !err && dropCreateOrders.remaining > 0) {
          dropCreateOrders.remaining -= 1;
          return; // the order exists, but its caller never hears of it
        }
        callback(err, res);
      })) as grpc.handleUnaryCall<unknown, unknown>;
  }
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: {
      certFile: path.join(root, 'certs/server.crt'),
      keyFile: path.join(root, 'certs/server.key'),
      clientCaFile: path.join(root, 'certs/ca.crt'),
    },
    authenticate: callerPermissions(lomsCallerPermissions),
    services: [{ name: 'loms.v1.LomsService', definition: loms.LomsServiceService, implementation }],
    registry: new Registry(),
    logger: createLogger('lossy-loms', 'silent'),
  });
  stops.push(
    () => server.shutdown(100),
    () => (upstream as unknown as grpc.Client).close(),
  );
  return server.port;
}

describe('Checkout when LOMS fails', () => {
  it('answers UNAVAILABLE within its deadline while LOMS is down, and works again once LOMS is back, without a restart', async () => {
    const testLoms = await startTestLoms();
    stops.push(() => testLoms.stop());
    const client = await startCheckoutWithLomsAt(`localhost:${testLoms.port}`, '2s');
    await client.addToCart({ userId: 1, sku: 1001, count: 1 });

    await testLoms.stop();
    expect(await codeOf(client.addToCart({ userId: 1, sku: 1001, count: 1 }, 8_000))).toBe(grpc.status.UNAVAILABLE);
    expect(await codeOf(client.purchase({ userId: 1, idempotencyKey: 'k' }, 8_000))).toBe(grpc.status.UNAVAILABLE);
    expect((await client.listCart({ userId: 1 })).items).toEqual([expect.objectContaining({ sku: 1001, count: 1 })]);

    await testLoms.restart();
    await eventually('AddToCart after LOMS came back', () => client.addToCart({ userId: 1, sku: 1001, count: 1 }, 2_000));
    const { orderId } = await client.purchase({ userId: 1, idempotencyKey: 'k' });
    expect(orderId).toBeGreaterThan(0);
  });

  it('answers DEADLINE_EXCEEDED, not a hang, when LOMS accepts connections and never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as net.AddressInfo).port;
    const client = await startCheckoutWithLomsAt(`localhost:${port}`, '300ms');
    expect(await codeOf(client.addToCart({ userId: 1, sku: 1001, count: 1 }, 5_000))).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  it.each([
    ['with a key', 'lost-answer'],
    ['without a key', ''],
  ])('retried after LOMS made the order but its answer was lost, Purchase %s answers the same single order', async (_, idempotencyKey) => {
    const testLoms = await startTestLoms();
    stops.push(() => testLoms.stop());
    const drop = { remaining: 1 };
    const proxyPort = await startLossyLomsProxy(`localhost:${testLoms.port}`, drop);
    const client = await startCheckoutWithLomsAt(`localhost:${proxyPort}`, '500ms');
    await client.addToCart({ userId: 7, sku: 1001, count: 2 });
    await client.addToCart({ userId: 7, sku: 1002, count: 1 });

    expect(await codeOf(client.purchase({ userId: 7, idempotencyKey }))).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(drop.remaining).toBe(0);
    expect((await client.listCart({ userId: 7 })).items).toHaveLength(2);

    const { orderId } = await client.purchase({ userId: 7, idempotencyKey });
    const direct = lomsClient(`localhost:${testLoms.port}`);
    stops.push(() => direct.close());
    const { orders } = await direct.listOrders({ userId: 7, pageSize: 0, pageToken: '' });
    expect(orders.map((o) => o.orderId)).toEqual([orderId]);
    expect(orders[0]?.items).toEqual([
      { sku: 1001, count: 2 },
      { sku: 1002, count: 1 },
    ]);
    expect((await client.listCart({ userId: 7 })).items).toEqual([]);
  });
});
