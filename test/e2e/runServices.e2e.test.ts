// `make run-services` as a user runs it: wait for "all services ready", buy through the gRPC API as the README
// walkthrough does (a token from `make token`, the payments certificate), manage stock as its inventory
// walkthrough does (the admin certificate), Ctrl-C, and check that it exits 0 leaving no process behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, clientCredentials, readStatusDetails } from '@shop/platform';
import { checkout as checkoutApi, inventory } from '@shop/proto';
import { bearer, certsDir, repoRoot } from '@shop/devstack';
import { eventually, sleep } from '@shop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutCaller, inventoryCaller, lomsCaller, notificationHistory, notificationsCaller, statusName } from './support/grpcClients';
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
interface StockFile {
  stocks: { sku: number; warehouse_id: number; total: number }[];
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

/**
 * The README's inventory walkthrough, call for call, after a purchase of SKU 1001 from Moscow North: the seeded
 * warehouses, a new one, a receipt and its retry, a count with compare-and-set and the one that loses, the ledger
 * of SKU 1001 and the consistency check.
 */
async function inventoryWalkthrough(ports: RunServicesPorts): Promise<void> {
  const admin = inventoryCaller(ports.loms);
  try {
    expect((await admin.call((c) => c.listWarehouses, {})).warehouses).toEqual([
      { warehouseId: 1, name: 'Moscow North', priority: 10, active: true },
      { warehouseId: 2, name: 'Kazan East', priority: 20, active: true },
      { warehouseId: 3, name: 'Novosibirsk', priority: 30, active: true },
    ]);
    const created = await admin.call((c) => c.upsertWarehouse, {
      warehouse: { warehouseId: 0, name: 'Yekaterinburg', priority: 15, active: true },
    });
    expect(created.warehouse).toEqual({ warehouseId: 4, name: 'Yekaterinburg', priority: 15, active: true });

    const delivery = { idempotencyKey: 'delivery-0001', warehouseId: 2, items: [{ sku: 1001, count: 40 }] };
    const received = { levels: [{ sku: 1001, warehouseId: 2, total: 195, reserved: 0, available: 195 }] };
    expect(await admin.call((c) => c.receiveStock, delivery)).toEqual(received);
    expect(await admin.call((c) => c.receiveStock, delivery)).toEqual(received);

    const count = { idempotencyKey: '', warehouseId: 2, sku: 1001, expectedTotal: 195 };
    expect(await admin.call((c) => c.adjustStock, { ...count, newTotal: 190, reason: 'stock-take: 5 damaged' })).toEqual({
      level: { sku: 1001, warehouseId: 2, total: 190, reserved: 0, available: 190 },
    });
    const lost = await admin
      .call((c) => c.adjustStock, { ...count, newTotal: 193, reason: 'second count' })
      .then(
        () => expect.unreachable('the second count applied'),
        (err: grpc.ServiceError) => err,
      );
    expect(lost.code).toBe(grpc.status.ABORTED);
    expect(readStatusDetails(lost).find((d) => d.kind === 'ErrorInfo')?.value).toMatchObject({
      reason: 'STOCK_CHANGED',
      metadata: { current_total: '190' },
    });

    const page = await admin.call((c) => c.listStockMovements, { sku: 1001, warehouseId: 0, pageSize: 5, pageToken: '' });
    const { MovementKind } = inventory;
    expect(page.movements.map((m) => [m.kind, m.warehouseId, m.totalDelta, m.reservedDelta, m.reason])).toEqual([
      [MovementKind.MOVEMENT_KIND_ADJUSTMENT, 2, -5, 0, 'stock-take: 5 damaged'],
      [MovementKind.MOVEMENT_KIND_RECEIPT, 2, 40, 0, 'delivery-0001'],
      [MovementKind.MOVEMENT_KIND_WRITE_OFF, 1, -1, -1, ''],
      [MovementKind.MOVEMENT_KIND_RESERVATION, 1, 0, 1, ''],
      [MovementKind.MOVEMENT_KIND_RECEIPT, 3, 109, 0, 'seed'],
    ]);
    expect(page.nextPageToken).not.toBe('');

    const seeded = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'data/stock.json'), 'utf8')) as StockFile;
    expect(await admin.call((c) => c.checkStockConsistency, { skus: [] })).toEqual({
      rowsChecked: seeded.stocks.length,
      drifts: [],
      driftsTotal: 0,
    });
  } finally {
    admin.close();
  }
}

/** Stops the stack with SIGINT and checks it exits 0 and that, a moment later, nothing it started is still running. */
async function expectCleanStop(running: RunServices, to: 'process' | 'group', test: string): Promise<void> {
  const tree: ProcessId[] = running.tree();
  const commands = tree.map((p) => p.command);
  // Everything it started: the four services, the broker, PostgreSQL and its backends.
  // Node 24 names its main thread, and so the process's comm, "MainThread".
  expect(commands.filter((c) => c === 'node' || c === 'MainThread').length, commands.join(', ')).toBeGreaterThanOrEqual(4);
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
  it('starts the whole stack, serves a purchase and the inventory walkthrough over TLS, and on SIGINT stops everything and exits 0', async () => {
    stack = await startRunServices();
    try {
      await purchaseEndToEnd(stack.grpcPorts);
      await inventoryWalkthrough(stack.grpcPorts);
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
