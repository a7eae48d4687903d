import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock, startLomsTestServer, type LomsTestServer } from './lomsTestServer';

let server: LomsTestServer;

beforeAll(async () => {
  server = await startLomsTestServer();
  await setStock(server.pool, [{ sku: 1, warehouseId: 1, total: 5 }]);
});
afterAll(() => server.stop());

async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await server.handle.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value));
  return match?.value ?? 0;
}

describe('LOMS metrics', () => {
  it('counts calls by method and code, orders by result and committed status changes', async () => {
    const { orderId } = await server.call((c) => c.createOrder, { userId: 1, items: [{ sku: 1, count: 2 }], idempotencyKey: 'm-1' });
    await server.call((c) => c.createOrder, { userId: 1, items: [{ sku: 1, count: 2 }], idempotencyKey: 'm-1' });
    await server
      .call((c) => c.createOrder, {
        userId: 1,
        items: [
          { sku: 1, count: 50 },
          { sku: 2, count: 1 },
        ],
        idempotencyKey: '',
      })
      .catch(() => undefined);
    await server.call((c) => c.orderPayed, { orderId });
    await server.call((c) => c.getOrder, { orderId: 999_999 }).catch(() => undefined);

    const create = { grpc_service: 'loms.v1.LomsService', grpc_method: 'CreateOrder' };
    expect(await sample('grpc_server_handled_total', { ...create, grpc_code: 'OK' })).toBe(2);
    expect(await sample('grpc_server_handled_total', { ...create, grpc_code: 'FAILED_PRECONDITION' })).toBe(1);
    expect(await sample('grpc_server_handled_total', { grpc_method: 'GetOrder', grpc_code: 'NOT_FOUND' })).toBe(1);
    const latency = await server.handle.registry.getSingleMetric('grpc_server_handling_seconds')?.get();
    expect(
      latency?.values.find(
        (v) => (v as { metricName?: string }).metricName === 'grpc_server_handling_seconds_count' && v.labels.grpc_method === 'CreateOrder',
      )?.value,
    ).toBe(3);
    // The replayed key is an answer, not a second order.
    expect(await sample('loms_orders_created_total', { result: 'awaiting_payment' })).toBe(1);
    expect(await sample('loms_orders_created_total', { result: 'failed' })).toBe(1);
    expect(await sample('loms_reservation_shortages_total')).toBe(2);
    expect(await sample('loms_order_status_changes_total', { from: 'AWAITING_PAYMENT', to: 'PAYED' })).toBe(1);
    expect(await sample('loms_outbox_backlog_events')).toBe(3);
    expect(await sample('db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
  });
});
