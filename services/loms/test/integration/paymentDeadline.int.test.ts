import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatusDetails } from '@shop/platform';
import { loms } from '@shop/proto';
import { setStock, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

let server: LomsTestServer;

beforeAll(async () => {
  server = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '300ms' });
  await setStock(server.pool, [{ sku: 800, warehouseId: 1, total: 10 }]);
});
afterAll(() => server.stop());

describe('payment deadline', () => {
  it('refuses a payment after the deadline, cancels the order and frees its stock, even before the canceller runs', async () => {
    const { orderId, paymentDeadline } = await server.call((c) => c.createOrder, {
      userId: 1,
      items: [{ sku: 800, count: 4 }],
      idempotencyKey: '',
    });
    const order = (await server.call((c) => c.getOrder, { orderId })).order!;
    expect(order.paymentDeadline).toEqual(paymentDeadline);
    expect(paymentDeadline!.getTime() - order.createdAt!.getTime()).toBe(300);
    await new Promise((r) => setTimeout(r, 400));
    const err = await server
      .call((c) => c.orderPayed, { orderId })
      .then(
        () => expect.unreachable(),
        (e: grpc.ServiceError) => e,
      );
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(readStatusDetails(err)[0]?.value).toMatchObject({ reason: 'PAYMENT_DEADLINE_PASSED' });
    expect((await server.call((c) => c.getOrder, { orderId })).order?.status).toBe(loms.OrderStatus.ORDER_STATUS_CANCELLED);
    expect((await stockRows(server.pool, 800))[0]).toEqual({ warehouseId: 1, total: 10, reserved: 0 });
  });
});
