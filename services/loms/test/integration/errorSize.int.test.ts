// docs/api.md, "Size of error details": a refusal for 100 short SKUs stays small enough for gRPC C-core
// clients (8 KiB of metadata by default), and GetOrder has every shortage.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callUnary, readStatusDetails, type Detail } from '@shop/platform';
import { loms } from '@shop/proto';
import { lomsCredentials } from '@shop/devstack';
import { setStock, startLomsTestServer, type LomsTestServer } from './lomsTestServer';
import { rawGrpcCall } from './rawGrpcCall';

const cCoreMetadataLimit = 8192;
let server: LomsTestServer;
let cCoreLikeClient: loms.LomsServiceClient;

// SKUs 5001..5100, two units each: the odd ones have one unit in stock, the even ones none.
const skus = Array.from({ length: 100 }, (_, i) => 5001 + i);
const items = [...skus].reverse().map((sku) => ({ sku, count: 2 }));
const availableOf = (sku: number) => (sku % 2 === 1 ? 1 : 0);

beforeAll(async () => {
  server = await startLomsTestServer();
  await setStock(
    server.pool,
    skus.filter((sku) => availableOf(sku) > 0).map((sku) => ({ sku, warehouseId: 1 + (sku % 3), total: 1 })),
  );
  // grpc-js 1.14 does not enforce this option (C-core does); the raw HTTP/2 test below measures the block itself.
  cCoreLikeClient = new loms.LomsServiceClient(`localhost:${server.handle.grpcPort}`, lomsCredentials('checkout'), {
    'grpc.max_metadata_size': cCoreMetadataLimit,
  });
});
afterAll(async () => {
  cCoreLikeClient.close();
  await server.stop();
});

const createOrder = (idempotencyKey: string) =>
  callUnary(cCoreLikeClient.createOrder.bind(cCoreLikeClient), { userId: 77, items, idempotencyKey }, { timeoutMs: 10_000 }).then(
    () => expect.unreachable('CreateOrder succeeded'),
    (err: grpc.ServiceError) => err,
  );

const errorInfo = (details: Detail[]) => details.find((d) => d.kind === 'ErrorInfo')?.value as { metadata: Record<string, string> };
const violations = (details: Detail[]) => {
  const failure = details.find((d) => d.kind === 'PreconditionFailure');
  return failure?.kind === 'PreconditionFailure' ? failure.value.violations : [];
};

describe('a refusal for 100 short SKUs', () => {
  it('lists the 20 smallest short SKUs, counts all 100, keeps its message short, and GetOrder has every shortage', async () => {
    const err = await createOrder('hundred-short');
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details.length).toBeLessThanOrEqual(200);
    const details = readStatusDetails(err);
    expect(violations(details)).toEqual(
      skus.slice(0, 20).map((sku) => ({ type: 'STOCK', subject: `sku:${sku}`, description: `requested 2, available ${availableOf(sku)}` })),
    );
    const info = errorInfo(details);
    expect(info.metadata.violations_total).toBe('100');
    const orderId = Number(info.metadata.order_id);

    const { order } = await server.call((c) => c.getOrder, { orderId });
    expect(order?.status).toBe(loms.OrderStatus.ORDER_STATUS_FAILED);
    expect(order?.shortages).toEqual(skus.map((sku) => ({ sku, requested: 2, available: availableOf(sku) })));
  });

  it('answers a retry with the same key with the same bounded refusal', async () => {
    const first = await createOrder('hundred-short-retry');
    const again = await createOrder('hundred-short-retry');
    expect(again.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(again.details).toBe(first.details);
    expect(readStatusDetails(again)).toEqual(readStatusDetails(first));
    expect(violations(readStatusDetails(again))).toHaveLength(20);
  });

  it('sends its status in a header block well under the 8 KiB a C-core client accepts, first time and on retry', async () => {
    const request = loms.CreateOrderRequest.encode({ userId: 78, items, idempotencyKey: 'raw-hundred-short' }).finish();
    for (const attempt of ['first', 'retry']) {
      const answer = await rawGrpcCall(server.handle.grpcPort, '/loms.v1.LomsService/CreateOrder', request);
      expect(answer.grpcStatus, attempt).toBe(grpc.status.FAILED_PRECONDITION);
      expect(answer.statusBlock['grpc-status-details-bin'], attempt).toBeDefined();
      console.info(`status block of the refusal for 100 short SKUs (${attempt}): ${answer.statusBlockOctets} octets`);
      expect(answer.statusBlockOctets, attempt).toBeLessThanOrEqual(cCoreMetadataLimit / 2);
    }
  });

  it('keeps the answer for a few short SKUs as before: every one listed, violations_total equal to their number', async () => {
    const err = await callUnary(
      cCoreLikeClient.createOrder.bind(cCoreLikeClient),
      {
        userId: 79,
        items: [
          { sku: 5002, count: 1 },
          { sku: 5001, count: 3 },
        ],
        idempotencyKey: '',
      },
      { timeoutMs: 10_000 },
    ).then(
      () => expect.unreachable('CreateOrder succeeded'),
      (e: grpc.ServiceError) => e,
    );
    const details = readStatusDetails(err);
    expect(violations(details).map((v) => v.subject)).toEqual(['sku:5001', 'sku:5002']);
    expect(errorInfo(details).metadata.violations_total).toBe('2');
  });
});
