// `make run-services` as a user runs it: wait for "all services ready", buy through the gRPC API as the README
// walkthrough does (a token from `make token`, the payments certificate), Ctrl-C, and check that it exits 0
// leaving no process behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, clientCredentials } from '@shop/platform';
import { checkout as checkoutApi } from '@shop/proto';
import { bearer, certsDir } from '@shop/testkit/src/credentials';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '@shop/testkit/src/repoRoot';
import { eventually, sleep } from './support/eventually';
import { checkoutCaller, lomsCaller, notificationHistory, notificationsCaller, statusName } from './support/grpcClients';
import { report } from './support/measurements';
import { isAlive, type ProcessId } from './support/processTree';
import { startRunServices, type RunServices, type RunServicesPorts } from './support/runServicesProcess';

let stack: RunServices | undefined;

afterEach(async () => {
  // Whatever happened, nothing of the stack may keep running.
  await stack?.kill();
  stack = undefined;
});

interface CatalogueFile {
  products: { sku: number; name: string; price: number }[];
}

/** What `make -s token USER=<id>` prints, as the README has the user paste it into a header. */
const tokenFromMake = (userId: number) =>
  execFileSync('make', ['-s', 'token', `USER=${userId}`], { cwd: repoRoot(), encoding: 'utf8', timeout: 60_000 }).trim();

async function purchaseEndToEnd(ports: RunServicesPorts): Promise<void> {
  const userId = Date.now() * 10 + Math.floor(Math.random() * 10);
  const token = tokenFromMake(userId);
  expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const checkout = checkoutCaller(ports.checkout, { userId });
  const loms = lomsCaller(ports.loms, 'payments');
  const notifications = notificationsCaller(ports.notifications, { userId });
  const plain = new checkoutApi.CheckoutServiceClient(
    `localhost:${ports.checkout}`,
    clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }),
  );
  try {
    // The token make printed is the user's: its own cart yes, another user's no, none at all no.
    const asMade = { timeoutMs: 10_000, metadata: bearer(token) };
    await expect(callUnary(plain.listCart.bind(plain), { userId }, asMade)).resolves.toMatchObject({ items: [] });
    await expect(callUnary(plain.listCart.bind(plain), { userId: userId + 1 }, asMade)).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    await expect(callUnary(plain.listCart.bind(plain), { userId }, { timeoutMs: 10_000 })).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    const catalogue = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'data/catalogue.json'), 'utf8')) as CatalogueFile;
    const product = (sku: number) => catalogue.products.find((p) => p.sku === sku)!;
    await checkout.call((c) => c.addToCart, { userId, sku: 1002, count: 2 });
    await checkout.call((c) => c.addToCart, { userId, sku: 1001, count: 1 });

    const cart = await checkout.call((c) => c.listCart, { userId });
    expect(cart.items).toEqual([
      {
        sku: 1001,
        count: 1,
        name: product(1001).name,
        price: product(1001).price,
      },
      {
        sku: 1002,
        count: 2,
        name: product(1002).name,
        price: product(1002).price,
      },
    ]);
    expect(cart.totalPrice).toBe(product(1001).price + 2 * product(1002).price);

    const { orderId } = await checkout.call((c) => c.purchase, {
      userId,
      idempotencyKey: `smoke-${userId}`,
    });
    const { order } = await loms.call((c) => c.getOrder, { orderId });
    expect(order).toMatchObject({
      orderId,
      userId,
      items: [
        { sku: 1001, count: 1 },
        { sku: 1002, count: 2 },
      ],
    });
    expect(statusName(order!.status)).toBe('AWAITING_PAYMENT');
    await loms.call((c) => c.orderPayed, { orderId });
    expect(statusName((await loms.call((c) => c.getOrder, { orderId })).order!.status)).toBe('PAYED');

    const history = await eventually(
      'both notifications',
      () => notificationHistory(notifications, userId),
      (h) => h.length >= 2,
      30_000,
    );
    expect(history.map((n) => [n.orderId, statusName(n.status)])).toEqual([
      [orderId, 'AWAITING_PAYMENT'],
      [orderId, 'PAYED'],
    ]);
    expect((await checkout.call((c) => c.listCart, { userId })).items).toEqual([]);
  } finally {
    checkout.close();
    loms.close();
    notifications.close();
    plain.close();
  }
}

/** Stops the stack with SIGINT and checks it exits 0 and that, a moment later, nothing it started is still running. */
async function expectCleanStop(running: RunServices, to: 'process' | 'group', test: string): Promise<void> {
  const tree: ProcessId[] = running.tree();
  const commands = tree.map((p) => p.command);
  // Everything it started: the four services, the broker, PostgreSQL and its backends.
  expect(commands.filter((c) => c === 'node').length, commands.join(', ')).toBeGreaterThanOrEqual(4);
  expect(commands, commands.join(', ')).toContain('postgres');
  expect(commands, commands.join(', ')).toContain('kafka-mock');

  const stopAt = Date.now();
  const how = await running.interrupt(to, 30_000);
  const stoppedInMs = Date.now() - stopAt;
  await sleep(3_000);
  const survivors = tree.filter(isAlive).map((p) => `${p.pid} ${p.command}`);
  report(test, {
    readyAfterMs: running.readyAfterMs,
    stoppedInMs,
    exit: how,
    processes: tree.length,
    survivors,
  });
  expect({ exit: how, survivors }, running.output()).toEqual({
    exit: { code: 0, signal: null },
    survivors: [],
  });
  expect(
    running.lines.some((l) => l.includes('stopped; data kept in')),
    running.output(),
  ).toBe(true);
}

describe('make run-services', () => {
  it('starts the whole stack, serves a purchase end to end over TLS, and on SIGINT stops everything and exits 0', async () => {
    stack = await startRunServices();
    try {
      await purchaseEndToEnd(stack.grpcPorts);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- run-services output ---\n${stack.output()}`);
    }
    await expectCleanStop(stack, 'process', 'run-services smoke: SIGINT to run-services');
  }, 180_000);

  it('stops everything and exits 0 on Ctrl-C in a terminal (SIGINT to the whole process group)', async () => {
    stack = await startRunServices();
    await expectCleanStop(stack, 'group', 'run-services smoke: Ctrl-C to the process group');
  }, 180_000);
});
