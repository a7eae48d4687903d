import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readStatusDetails } from '@shop/platform';
import { loms } from '@shop/proto';
import { grpcCode, setStock, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

const { OrderStatus } = loms;
let server: LomsTestServer;
let nextUser = 1;

beforeAll(async () => {
  server = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '10m' });
});
afterAll(() => server.stop());
beforeEach(async () => {
  nextUser += 1;
  await setStock(server.pool, [
    { sku: 10, warehouseId: 1, total: 3 },
    { sku: 10, warehouseId: 2, total: 5 },
    { sku: 20, warehouseId: 1, total: 2 },
    { sku: 30, warehouseId: 3, total: 1, reserved: 1 },
  ]);
});

const createOrder = (req: Partial<loms.CreateOrderRequest>) =>
  server.call((c) => c.createOrder, { userId: nextUser, items: [], idempotencyKey: '', ...req });
const getOrder = (orderId: number) => server.call((c) => c.getOrder, { orderId }).then((r) => r.order!);
const pay = (orderId: number) => server.call((c) => c.orderPayed, { orderId });
const cancel = (orderId: number) => server.call((c) => c.cancelOrder, { orderId });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('call succeeded'),
    (err: grpc.ServiceError) => err,
  );

async function outboxStatuses(orderId: number): Promise<string[]> {
  const { rows } = await server.pool.query<{ s: string }>(
    "SELECT previous_status || '>' || status AS s FROM outbox WHERE order_id = $1 ORDER BY id",
    [orderId],
  );
  return rows.map((r) => r.s);
}

describe('CreateOrder', () => {
  it('reserves an item across warehouses in warehouse order and awaits payment until the deadline', async () => {
    const before = Date.now();
    const res = await createOrder({ items: [{ sku: 10, count: 6 }] });
    expect(res.status).toBe(OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
    expect(res.paymentDeadline!.getTime()).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(res.paymentDeadline!.getTime()).toBeLessThanOrEqual(Date.now() + 600_000 + 1_000);
    expect(await stockRows(server.pool, 10)).toEqual([
      { warehouseId: 1, total: 3, reserved: 3 },
      { warehouseId: 2, total: 5, reserved: 3 },
    ]);
    expect(await outboxStatuses(res.orderId)).toEqual(['NEW>AWAITING_PAYMENT']);
  });

  it('merges items of the same SKU into one', async () => {
    const res = await createOrder({
      items: [
        { sku: 20, count: 1 },
        { sku: 10, count: 1 },
        { sku: 20, count: 1 },
      ],
    });
    const order = await getOrder(res.orderId);
    expect(order.items).toEqual([
      { sku: 10, count: 1 },
      { sku: 20, count: 2 },
    ]);
    expect((await stockRows(server.pool, 20))[0]?.reserved).toBe(2);
  });

  it('stores a FAILED order and answers FAILED_PRECONDITION with one violation per short SKU, reserving nothing', async () => {
    const err = await failure(
      createOrder({
        items: [
          { sku: 10, count: 1 },
          { sku: 20, count: 3 },
          { sku: 30, count: 1 },
          { sku: 99, count: 2 },
        ],
      }),
    );
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    const details = readStatusDetails(err);
    const info = details.find((d) => d.kind === 'ErrorInfo');
    expect(info?.value).toMatchObject({ reason: 'INSUFFICIENT_STOCK', domain: 'loms.v1' });
    const orderId = Number(info?.kind === 'ErrorInfo' ? info.value.metadata.order_id : NaN);
    const violations = details.find((d) => d.kind === 'PreconditionFailure');
    expect(violations?.kind === 'PreconditionFailure' && violations.value.violations).toEqual([
      { type: 'STOCK', subject: 'sku:20', description: 'requested 3, available 2' },
      { type: 'STOCK', subject: 'sku:30', description: 'requested 1, available 0' },
      { type: 'STOCK', subject: 'sku:99', description: 'requested 2, available 0' },
    ]);
    expect((await getOrder(orderId)).status).toBe(OrderStatus.ORDER_STATUS_FAILED);
    expect((await stockRows(server.pool, 10)).map((r) => r.reserved)).toEqual([0, 0]);
    expect(await outboxStatuses(orderId)).toEqual(['NEW>FAILED']);
  });

  it('answers a retry with the same key with the same order and reserves nothing twice', async () => {
    const first = await createOrder({ items: [{ sku: 10, count: 2 }], idempotencyKey: 'k-1' });
    const again = await createOrder({ items: [{ sku: 10, count: 2 }], idempotencyKey: 'k-1' });
    expect(again.orderId).toBe(first.orderId);
    expect(again.status).toBe(OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
    expect((await stockRows(server.pool, 10))[0]?.reserved).toBe(2);
    await pay(first.orderId);
    expect((await createOrder({ items: [{ sku: 10, count: 2 }], idempotencyKey: 'k-1' })).status).toBe(OrderStatus.ORDER_STATUS_PAYED);
  });

  it('repeats the same FAILED_PRECONDITION for a retried failed order', async () => {
    const first = await failure(createOrder({ items: [{ sku: 20, count: 5 }], idempotencyKey: 'k-fail' }));
    const again = await failure(createOrder({ items: [{ sku: 20, count: 5 }], idempotencyKey: 'k-fail' }));
    expect(again.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(readStatusDetails(again)).toEqual(readStatusDetails(first));
  });

  it('refuses the same key with a different item list as INVALID_ARGUMENT naming idempotency_key', async () => {
    await createOrder({ items: [{ sku: 10, count: 1 }], idempotencyKey: 'k-2' });
    const err = await failure(createOrder({ items: [{ sku: 10, count: 2 }], idempotencyKey: 'k-2' }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toContain('idempotency_key');
  });

  it('treats an empty key as no idempotency', async () => {
    const a = await createOrder({ items: [{ sku: 10, count: 1 }] });
    const b = await createOrder({ items: [{ sku: 10, count: 1 }] });
    expect(b.orderId).not.toBe(a.orderId);
  });
});

describe('input bounds', () => {
  const cases: [string, Partial<loms.CreateOrderRequest>, string][] = [
    ['user_id of 0', { userId: 0, items: [{ sku: 10, count: 1 }] }, 'user_id'],
    ['no items', { items: [] }, 'items'],
    [
      'a sku of 0',
      {
        items: [
          { sku: 10, count: 1 },
          { sku: 0, count: 1 },
        ],
      },
      'items[1].sku',
    ],
    [
      'a count of 0',
      {
        items: [
          { sku: 10, count: 1 },
          { sku: 20, count: 1 },
          { sku: 30, count: 0 },
        ],
      },
      'items[2].count',
    ],
    ['a count over 10000', { items: [{ sku: 10, count: 10_001 }] }, 'items[0].count'],
    [
      'counts over 10000 after merging',
      {
        items: [
          { sku: 10, count: 6_000 },
          { sku: 10, count: 6_000 },
        ],
      },
      'items',
    ],
    ['more than 100 distinct SKUs', { items: Array.from({ length: 101 }, (_, i) => ({ sku: i + 1, count: 1 })) }, 'items'],
    ['a key over 128 characters', { items: [{ sku: 10, count: 1 }], idempotencyKey: 'x'.repeat(129) }, 'idempotency_key'],
  ];
  it.each(cases)('refuses %s with INVALID_ARGUMENT naming the field', async (_, req, field) => {
    const err = await failure(createOrder(req));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [badRequest] = readStatusDetails(err);
    expect(badRequest?.kind === 'BadRequest' && badRequest.value.fieldViolations.map((v) => v.field)).toContain(field);
  });

  it('refuses order_id, sku, page_size and page_token out of bounds', async () => {
    expect(grpcCode(await failure(getOrder(0)))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(grpcCode(await failure(pay(-1)))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(grpcCode(await failure(server.call((c) => c.stocks, { sku: 0 })))).toBe(grpc.status.INVALID_ARGUMENT);
    const pageSize = await failure(server.call((c) => c.listOrders, { userId: nextUser, pageSize: 1001, pageToken: '' }));
    expect(pageSize.details).toContain('page_size');
    const token = await failure(server.call((c) => c.listOrders, { userId: nextUser, pageSize: 0, pageToken: 'forged' }));
    expect(token.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(token.details).toContain('page_token');
  });
});

describe('GetOrder and ListOrders', () => {
  it('answers NOT_FOUND for an unknown order', async () => {
    expect(grpcCode(await failure(getOrder(987_654_321)))).toBe(grpc.status.NOT_FOUND);
  });

  it("pages through a user's orders newest first, each exactly once", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await createOrder({ items: [{ sku: 10, count: 1 }] })).orderId);
    const seen: number[] = [];
    let pageToken = '';
    do {
      const page = await server.call((c) => c.listOrders, { userId: nextUser, pageSize: 2, pageToken });
      expect(page.orders.length).toBeLessThanOrEqual(2);
      seen.push(...page.orders.map((o) => o.orderId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toEqual([...ids].reverse());
    const other = await failure(
      server.call((c) => c.listOrders, {
        userId: nextUser + 1000,
        pageSize: 2,
        pageToken: (await server.call((c) => c.listOrders, { userId: nextUser, pageSize: 2, pageToken: '' })).nextPageToken,
      }),
    );
    expect(other.code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe('OrderPayed', () => {
  it('writes the reservation off once, even when paid twice', async () => {
    const { orderId } = await createOrder({ items: [{ sku: 10, count: 4 }] });
    await pay(orderId);
    await pay(orderId);
    expect((await getOrder(orderId)).status).toBe(OrderStatus.ORDER_STATUS_PAYED);
    expect(await stockRows(server.pool, 10)).toEqual([
      { warehouseId: 1, total: 0, reserved: 0 },
      { warehouseId: 2, total: 4, reserved: 0 },
    ]);
    expect(await outboxStatuses(orderId)).toEqual(['NEW>AWAITING_PAYMENT', 'AWAITING_PAYMENT>PAYED']);
  });

  it('refuses cancelled and failed orders with FAILED_PRECONDITION and unknown ones with NOT_FOUND', async () => {
    const { orderId } = await createOrder({ items: [{ sku: 10, count: 1 }] });
    await cancel(orderId);
    const cancelled = await failure(pay(orderId));
    expect(cancelled.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(readStatusDetails(cancelled)[0]?.value).toMatchObject({ reason: 'ORDER_STATUS_CONFLICT' });
    const failed = await failure(createOrder({ items: [{ sku: 20, count: 9 }] }));
    const failedId = Number(
      readStatusDetails(failed)[0]?.kind === 'ErrorInfo' &&
        (readStatusDetails(failed)[0]?.value as { metadata: Record<string, string> }).metadata.order_id,
    );
    expect(grpcCode(await failure(pay(failedId)))).toBe(grpc.status.FAILED_PRECONDITION);
    expect(grpcCode(await failure(pay(987_654_321)))).toBe(grpc.status.NOT_FOUND);
  });
});

describe('CancelOrder', () => {
  it('releases the reservation, and cancelling again is OK', async () => {
    const { orderId } = await createOrder({ items: [{ sku: 10, count: 5 }] });
    await cancel(orderId);
    await cancel(orderId);
    expect((await getOrder(orderId)).status).toBe(OrderStatus.ORDER_STATUS_CANCELLED);
    expect((await stockRows(server.pool, 10)).map((r) => r.reserved)).toEqual([0, 0]);
    expect(await outboxStatuses(orderId)).toEqual(['NEW>AWAITING_PAYMENT', 'AWAITING_PAYMENT>CANCELLED']);
  });

  it('refuses paid and failed orders with FAILED_PRECONDITION and unknown ones with NOT_FOUND', async () => {
    const { orderId } = await createOrder({ items: [{ sku: 10, count: 1 }] });
    await pay(orderId);
    expect(grpcCode(await failure(cancel(orderId)))).toBe(grpc.status.FAILED_PRECONDITION);
    expect(grpcCode(await failure(cancel(987_654_321)))).toBe(grpc.status.NOT_FOUND);
  });
});

describe('Stocks', () => {
  it('reports each warehouse and the total available', async () => {
    await createOrder({ items: [{ sku: 10, count: 2 }] });
    const stock = await server.call((c) => c.stocks, { sku: 10 });
    expect(stock).toEqual({
      available: 6,
      warehouses: [
        { warehouseId: 1, total: 3, reserved: 2, available: 1 },
        { warehouseId: 2, total: 5, reserved: 0, available: 5 },
      ],
    });
  });

  it('answers an unknown SKU with nothing available', async () => {
    expect(await server.call((c) => c.stocks, { sku: 424242 })).toEqual({ available: 0, warehouses: [] });
  });
});
