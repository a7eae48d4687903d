// Who may call LOMS: mutual TLS refuses connections without a certificate of our CA, and each identity (the
// certificate's CN) may call only the methods of docs/api.md's table, which this test keeps its own copy of.
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials, readStatusDetails } from '@shop/platform';
import { inventory, loms } from '@shop/proto';
import { certsDir, lomsCredentials } from '@shop/devstack';
import { type CertificateFiles, makeTestCertificates, type TestCertificates } from '@shop/testkit';
import { grpcCode, setStock, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

const expectedCallers: Record<string, string[]> = {
  CreateOrder: ['checkout', 'admin'],
  GetOrder: ['checkout', 'payments', 'admin'],
  ListOrders: ['checkout', 'admin'],
  OrderPayed: ['payments', 'admin'],
  CancelOrder: ['checkout', 'admin'],
  Stocks: ['checkout', 'admin'],
};
const expectedInventoryCallers: Record<string, string[]> = {
  ListWarehouses: ['admin'],
  UpsertWarehouse: ['admin'],
  ReceiveStock: ['admin'],
  AdjustStock: ['admin'],
  ListStockMovements: ['admin'],
  CheckStockConsistency: ['admin'],
};
const identities = ['checkout', 'payments', 'admin', 'stranger'] as const;

const requests: Record<string, unknown> = {
  createOrder: loms.CreateOrderRequest.fromPartial({ userId: 1, items: [{ sku: 77, count: 1 }] }),
  getOrder: loms.GetOrderRequest.fromPartial({ orderId: 999_999 }),
  listOrders: loms.ListOrdersRequest.fromPartial({ userId: 1 }),
  orderPayed: loms.OrderPayedRequest.fromPartial({ orderId: 999_999 }),
  cancelOrder: loms.CancelOrderRequest.fromPartial({ orderId: 999_999 }),
  stocks: loms.StocksRequest.fromPartial({ sku: 77 }),
};

const unknownWarehouse = 999_999;
/** Requests that change nothing, each with the code admin gets for it. */
const inventoryRequests: Record<string, { request: unknown; adminCode: grpc.status }> = {
  listWarehouses: { request: inventory.ListWarehousesRequest.fromPartial({}), adminCode: grpc.status.OK },
  upsertWarehouse: {
    request: inventory.UpsertWarehouseRequest.fromPartial({ warehouse: { warehouseId: unknownWarehouse, name: 'w', active: true } }),
    adminCode: grpc.status.NOT_FOUND,
  },
  receiveStock: {
    request: inventory.ReceiveStockRequest.fromPartial({ warehouseId: unknownWarehouse, items: [{ sku: 77, count: 1 }] }),
    adminCode: grpc.status.NOT_FOUND,
  },
  adjustStock: {
    request: inventory.AdjustStockRequest.fromPartial({ warehouseId: unknownWarehouse, sku: 77, newTotal: 1, reason: 'count' }),
    adminCode: grpc.status.NOT_FOUND,
  },
  listStockMovements: { request: inventory.ListStockMovementsRequest.fromPartial({ sku: 77 }), adminCode: grpc.status.OK },
  checkStockConsistency: { request: inventory.CheckStockConsistencyRequest.fromPartial({ skus: [77] }), adminCode: grpc.status.OK },
};

let server: LomsTestServer;
let certificates: TestCertificates;
const clients = new Map<string, grpc.Client>();
const address = () => `localhost:${server.handle.grpcPort}`;
const withCertificate = (files: CertificateFiles) => clientCredentials({ caFile: path.join(certsDir(), 'ca.crt'), ...files });

beforeAll(async () => {
  certificates = makeTestCertificates();
  server = await startLomsTestServer();
  for (const identity of identities) {
    const credentials = identity === 'stranger' ? withCertificate(certificates.stranger) : lomsCredentials(identity);
    clients.set(identity, new grpc.Client(address(), credentials));
  }
});
afterAll(async () => {
  for (const client of clients.values()) client.close();
  await server.stop();
  certificates.remove();
});

function callAs(
  client: grpc.Client,
  method: string,
  request: unknown,
  service: grpc.ServiceDefinition = loms.LomsServiceService,
): Promise<grpc.StatusObject | grpc.ServiceError> {
  const definition = service[method]!;
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      definition.path,
      definition.requestSerialize as (value: unknown) => Buffer,
      definition.responseDeserialize,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + 5_000 },
      (err) => resolve(err ?? { code: grpc.status.OK, details: '', metadata: new grpc.Metadata() }),
    ),
  );
}

const pascal = (method: string) => method[0]!.toUpperCase() + method.slice(1);
const cases = Object.keys(loms.LomsServiceService).flatMap((method) =>
  identities.map((identity) => ({ method, identity, allowed: (expectedCallers[pascal(method)] ?? []).includes(identity) })),
);
const inventoryCases = Object.keys(inventory.InventoryServiceService).flatMap((method) =>
  identities.map((identity) => ({ method, identity, allowed: (expectedInventoryCallers[pascal(method)] ?? []).includes(identity) })),
);

describe('LOMS permissions by client certificate', () => {
  it('has an expectation and a request for every method LOMS serves', () => {
    expect(Object.keys(loms.LomsServiceService).map(pascal).sort()).toEqual(Object.keys(expectedCallers).sort());
    expect(Object.keys(requests).sort()).toEqual(Object.keys(loms.LomsServiceService).sort());
  });

  it.each(cases)('$identity calling $method: allowed = $allowed', async ({ method, identity, allowed }) => {
    const result = await callAs(clients.get(identity)!, method, requests[method]);
    if (allowed) {
      expect(result.code).not.toBe(grpc.status.PERMISSION_DENIED);
      expect(result.code).not.toBe(grpc.status.UNAVAILABLE);
      return;
    }
    expect(result.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(readStatusDetails(result)).toContainEqual({
      kind: 'ErrorInfo',
      value: {
        reason: 'CALLER_NOT_ALLOWED',
        domain: 'auth',
        metadata: { caller: identity, method: `loms.v1.LomsService/${pascal(method)}` },
      },
    });
  });

  it('has an expectation and a request for every InventoryService method', () => {
    expect(Object.keys(inventory.InventoryServiceService).map(pascal).sort()).toEqual(Object.keys(expectedInventoryCallers).sort());
    expect(Object.keys(inventoryRequests).sort()).toEqual(Object.keys(inventory.InventoryServiceService).sort());
  });

  it.each(inventoryCases)('$identity calling InventoryService $method: allowed = $allowed', async ({ method, identity, allowed }) => {
    const { request, adminCode } = inventoryRequests[method]!;
    const result = await callAs(clients.get(identity)!, method, request, inventory.InventoryServiceService);
    if (allowed) {
      expect(result.code).toBe(adminCode);
      return;
    }
    expect(result.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(readStatusDetails(result)).toContainEqual({
      kind: 'ErrorInfo',
      value: {
        reason: 'CALLER_NOT_ALLOWED',
        domain: 'auth',
        metadata: { caller: identity, method: `loms.v1.InventoryService/${pascal(method)}` },
      },
    });
  });

  it('refuses checkout receiving stock or counting it: the stock stays as it was', async () => {
    const { warehouse } = await server.callInventory((c) => c.upsertWarehouse, {
      warehouse: { warehouseId: 0, name: 'permissions', priority: 0, active: true },
    });
    const warehouseId = warehouse!.warehouseId;
    const receipt = { idempotencyKey: '', warehouseId, items: [{ sku: 502, count: 5 }] };
    expect((await callAs(clients.get('checkout')!, 'receiveStock', receipt, inventory.InventoryServiceService)).code).toBe(
      grpc.status.PERMISSION_DENIED,
    );
    expect(await stockRows(server.pool, 502)).toEqual([]);
    await server.callInventory((c) => c.receiveStock, receipt);
    const count = { idempotencyKey: '', warehouseId, sku: 502, newTotal: 0, reason: 'count' };
    expect((await callAs(clients.get('payments')!, 'adjustStock', count, inventory.InventoryServiceService)).code).toBe(
      grpc.status.PERMISSION_DENIED,
    );
    expect(await stockRows(server.pool, 502)).toEqual([{ warehouseId, total: 5, reserved: 0 }]);
  });

  it('refuses checkout paying an order: the order stays AWAITING_PAYMENT and its stock stays reserved', async () => {
    await setStock(server.pool, [{ sku: 501, warehouseId: 1, total: 4 }]);
    const created = await server.call((c) => c.createOrder, { userId: 9, items: [{ sku: 501, count: 3 }], idempotencyKey: '' });
    const refused = await callAs(clients.get('checkout')!, 'orderPayed', { orderId: created.orderId });
    expect(refused.code).toBe(grpc.status.PERMISSION_DENIED);
    const { order } = await server.call((c) => c.getOrder, { orderId: created.orderId });
    expect(order?.status).toBe(loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
    expect(await stockRows(server.pool, 501)).toEqual([{ warehouseId: 1, total: 4, reserved: 3 }]);
    expect((await callAs(clients.get('payments')!, 'orderPayed', { orderId: created.orderId })).code).toBe(grpc.status.OK);
    expect(await stockRows(server.pool, 501)).toEqual([{ warehouseId: 1, total: 1, reserved: 0 }]);
  });

  it('counts calls by caller, refused ones included', async () => {
    await callAs(clients.get('stranger')!, 'stocks', requests.stocks);
    await callAs(clients.get('payments')!, 'getOrder', requests.getOrder);
    const handled = await server.handle.registry.getSingleMetric('grpc_server_handled_total')?.get();
    const count = (labels: Record<string, string>) =>
      handled?.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((sum, v) => sum + v.value, 0) ??
      0;
    expect(count({ caller: 'stranger', grpc_method: 'Stocks', grpc_code: 'PERMISSION_DENIED' })).toBeGreaterThanOrEqual(1);
    expect(count({ caller: 'payments', grpc_method: 'GetOrder', grpc_code: 'NOT_FOUND' })).toBeGreaterThanOrEqual(1);
  });

  it('answers health to an identity that may call no LOMS method', async () => {
    const health = new grpc.Client(address(), withCertificate(certificates.stranger));
    try {
      const status = await new Promise<grpc.StatusObject | grpc.ServiceError>((resolve) =>
        health.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          () => Buffer.alloc(0),
          (b: Buffer) => b,
          {},
          { deadline: Date.now() + 5_000 },
          (err) => resolve(err ?? { code: grpc.status.OK, details: '', metadata: new grpc.Metadata() }),
        ),
      );
      expect(status.code).toBe(grpc.status.OK);
    } finally {
      health.close();
    }
  });
});

describe('LOMS mutual TLS', () => {
  const refusedWith = async (credentials: grpc.ChannelCredentials) => {
    const client = new loms.LomsServiceClient(address(), credentials);
    try {
      return await new Promise<grpc.ServiceError | undefined>((resolve) =>
        client.getOrder({ orderId: 1 }, new grpc.Metadata(), { deadline: Date.now() + 3_000 }, (err) => resolve(err ?? undefined)),
      );
    } finally {
      client.close();
    }
  };

  it('refuses a connection without a client certificate', async () => {
    expect(grpcCode(await refusedWith(clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') })))).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses a client certificate from another CA, even with a CN the table knows', async () => {
    expect(grpcCode(await refusedWith(withCertificate(certificates.foreignAdmin)))).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses an expired client certificate of our own CA', async () => {
    expect(grpcCode(await refusedWith(withCertificate(certificates.expiredAdmin)))).toBe(grpc.status.UNAVAILABLE);
  });

  it('fails the TLS handshake itself, before any HTTP/2 frame, for a client without a certificate', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: server.handle.grpcPort,
        ca: [fs.readFileSync(path.join(certsDir(), 'ca.crt'))],
        servername: 'localhost',
        ALPNProtocols: ['h2'],
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(`error: ${err.code ?? err.message}`));
      socket.on('data', () => resolve('data'));
      socket.on('close', () => resolve('closed'));
      socket.setTimeout(3_000, () => resolve('timeout'));
    });
    expect(outcome).toMatch(/^error: .*(CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|ECONNRESET)/i);
  });
});
