// loms.v1.InventoryService against the real LOMS and PostgreSQL: warehouses, receipts, counts, the movement
// ledger, allocation over warehouses, and the consistency check with its metric. Each test uses its own
// warehouses and SKUs, so that none depends on another; strategies and the check interval get their own server.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatusDetails } from '@shop/platform';
import { inventory, loms } from '@shop/proto';
import { grpcCode, startLomsTestServer, stockRows, type LomsTestServer } from './lomsTestServer';

const { MovementKind } = inventory;
const unknownWarehouse = 999_999;
let server: LomsTestServer;
let lastSku = 100_000;
let lastUser = 0;
let lastName = 0;
const newSku = () => ++lastSku;

beforeAll(async () => {
  server = await startLomsTestServer({ ORDER_PAYMENT_TIMEOUT: '10m' });
});
afterAll(() => server.stop());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('call succeeded'),
    (err: grpc.ServiceError) => err,
  );
const errorInfo = (err: grpc.ServiceError) => readStatusDetails(err).find((d) => d.kind === 'ErrorInfo')?.value;
const violatedFields = (err: grpc.ServiceError) =>
  readStatusDetails(err).flatMap((d) => (d.kind === 'BadRequest' ? d.value.fieldViolations.map((v) => v.field) : []));

const upsertWarehouse = (s: LomsTestServer, warehouse: Partial<inventory.Warehouse>) =>
  s
    .callInventory((c) => c.upsertWarehouse, {
      warehouse: { warehouseId: 0, name: `warehouse ${++lastName}`, priority: 0, active: true, ...warehouse },
    })
    .then((r) => r.warehouse!);
const newWarehouse = (s: LomsTestServer, warehouse: Partial<inventory.Warehouse> = {}) =>
  upsertWarehouse(s, warehouse).then((w) => w.warehouseId);
const listWarehouses = () => server.callInventory((c) => c.listWarehouses, {}).then((r) => r.warehouses);
const receive = (s: LomsTestServer, warehouseId: number, items: inventory.StockCount[], idempotencyKey = '') =>
  s.callInventory((c) => c.receiveStock, { idempotencyKey, warehouseId, items }).then((r) => r.levels);
const adjust = (
  s: LomsTestServer,
  request: Pick<inventory.AdjustStockRequest, 'warehouseId' | 'sku' | 'newTotal'> & Partial<inventory.AdjustStockRequest>,
) =>
  s
    .callInventory((c) => c.adjustStock, { idempotencyKey: '', reason: 'stock-take', expectedTotal: undefined, ...request })
    .then((r) => r.level!);
const movementPage = (s: LomsTestServer, request: Partial<inventory.ListStockMovementsRequest> & { sku: number }) =>
  s.callInventory((c) => c.listStockMovements, { warehouseId: 0, pageSize: 0, pageToken: '', ...request });
const allMovements = (s: LomsTestServer, sku: number, warehouseId = 0) =>
  movementPage(s, { sku, warehouseId, pageSize: 1000 }).then((r) => r.movements);
const createOrder = (s: LomsTestServer, items: loms.OrderItem[]) =>
  s.call((c) => c.createOrder, { userId: ++lastUser, items, idempotencyKey: '' });
const stocks = (s: LomsTestServer, sku: number) => s.call((c) => c.stocks, { sku });
const checkConsistency = (s: LomsTestServer, skus: number[]) => s.callInventory((c) => c.checkStockConsistency, { skus });
const brief = (m: inventory.StockMovement) => ({
  kind: m.kind,
  warehouseId: m.warehouseId,
  totalDelta: m.totalDelta,
  reservedDelta: m.reservedDelta,
  orderId: m.orderId,
});

describe('UpsertWarehouse and ListWarehouses', () => {
  it('creates a warehouse for id 0, replaces name, priority and active of an existing one, and lists all by id', async () => {
    const a = await upsertWarehouse(server, { name: 'north', priority: 3, active: true });
    const b = await upsertWarehouse(server, { name: 'south', priority: 1, active: false });
    expect(a).toEqual({ warehouseId: expect.any(Number), name: 'north', priority: 3, active: true });
    expect(a.warehouseId).toBeGreaterThan(0);
    expect(b).toEqual({ warehouseId: expect.any(Number), name: 'south', priority: 1, active: false });
    expect(b.warehouseId).toBeGreaterThan(a.warehouseId);

    const replaced = await upsertWarehouse(server, { warehouseId: a.warehouseId, name: 'north 2', priority: 7, active: false });
    expect(replaced).toEqual({ warehouseId: a.warehouseId, name: 'north 2', priority: 7, active: false });

    const listed = await listWarehouses();
    const ids = listed.map((w) => w.warehouseId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(listed).toContainEqual(replaced);
    expect(listed).toContainEqual(b);
  });

  it('allocates the next order by a changed priority at once, for stock received before the change', async () => {
    const first = await newWarehouse(server, { priority: 1 });
    const second = await newWarehouse(server, { priority: 2 });
    const sku = newSku();
    await receive(server, first, [{ sku, count: 5 }]);
    await receive(server, second, [{ sku, count: 5 }]);
    await createOrder(server, [{ sku, count: 1 }]);
    await upsertWarehouse(server, { warehouseId: first, name: 'now last', priority: 3, active: true });
    await createOrder(server, [{ sku, count: 2 }]);
    expect(await stockRows(server.pool, sku)).toEqual([
      { warehouseId: first, total: 5, reserved: 1 },
      { warehouseId: second, total: 5, reserved: 2 },
    ]);
  });

  it('answers NOT_FOUND for an unknown warehouse id and creates nothing', async () => {
    const before = await listWarehouses();
    const err = await failure(upsertWarehouse(server, { warehouseId: unknownWarehouse, name: 'ghost' }));
    expect(grpcCode(err)).toBe(grpc.status.NOT_FOUND);
    expect(await listWarehouses()).toEqual(before);
  });
});

describe('ReceiveStock', () => {
  it('adds to the total, creating the row when missing, merges items of one SKU and answers the levels by SKU', async () => {
    const w = await newWarehouse(server);
    const [skuA, skuB] = [newSku(), newSku()];
    const levels = await receive(server, w, [
      { sku: skuB, count: 2 },
      { sku: skuA, count: 1 },
      { sku: skuB, count: 3 },
    ]);
    expect(levels).toEqual([
      { sku: skuA, warehouseId: w, total: 1, reserved: 0, available: 1 },
      { sku: skuB, warehouseId: w, total: 5, reserved: 0, available: 5 },
    ]);
    expect(await receive(server, w, [{ sku: skuA, count: 4 }])).toEqual([
      { sku: skuA, warehouseId: w, total: 5, reserved: 0, available: 5 },
    ]);
    expect(await stockRows(server.pool, skuA)).toEqual([{ warehouseId: w, total: 5, reserved: 0 }]);
    expect((await allMovements(server, skuB)).map(brief)).toEqual([
      { kind: MovementKind.MOVEMENT_KIND_RECEIPT, warehouseId: w, totalDelta: 5, reservedDelta: 0, orderId: 0 },
    ]);
    expect((await stocks(server, skuB)).available).toBe(5);
  });

  it('answers NOT_FOUND for an unknown warehouse and stores nothing', async () => {
    const sku = newSku();
    const err = await failure(receive(server, unknownWarehouse, [{ sku, count: 1 }]));
    expect(grpcCode(err)).toBe(grpc.status.NOT_FOUND);
    expect(await stockRows(server.pool, sku)).toEqual([]);
    expect(await allMovements(server, sku)).toEqual([]);
  });

  it('answers a repeated key as the first time without receiving twice, and refuses the key for other content', async () => {
    const w = await newWarehouse(server);
    const other = await newWarehouse(server);
    const sku = newSku();
    const key = `receipt-${sku}`;
    const first = await receive(server, w, [{ sku, count: 4 }], key);
    expect(first).toEqual([{ sku, warehouseId: w, total: 4, reserved: 0, available: 4 }]);
    await adjust(server, { warehouseId: w, sku, newTotal: 10 });

    expect(await receive(server, w, [{ sku, count: 4 }], key)).toEqual(first);
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 10, reserved: 0 }]);
    const receipts = (await allMovements(server, sku)).filter((m) => m.kind === MovementKind.MOVEMENT_KIND_RECEIPT);
    expect(receipts.map((m) => ({ totalDelta: m.totalDelta, reason: m.reason }))).toEqual([{ totalDelta: 4, reason: key }]);

    for (const [warehouseId, count] of [
      [w, 5],
      [other, 4],
    ] as const) {
      const err = await failure(receive(server, warehouseId, [{ sku, count }], key));
      expect(grpcCode(err)).toBe(grpc.status.INVALID_ARGUMENT);
      expect(violatedFields(err)).toEqual(['idempotency_key']);
    }
    // The refusal into the other warehouse leaves no (empty) stock row behind there.
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 10, reserved: 0 }]);
    expect(await allMovements(server, sku)).toHaveLength(2);
  });

  it('receives exactly once when 20 retries of one key arrive at the same time', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    await receive(server, w, [{ sku, count: 2 }]);
    const key = `concurrent-receipt-${sku}`;
    const answers = await Promise.allSettled(Array.from({ length: 20 }, () => receive(server, w, [{ sku, count: 3 }], key)));
    for (const answer of answers)
      expect(answer).toEqual({ status: 'fulfilled', value: [{ sku, warehouseId: w, total: 5, reserved: 0, available: 5 }] });
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 5, reserved: 0 }]);
    const keyed = (await allMovements(server, sku)).filter((m) => m.reason === key);
    expect(keyed.map(brief)).toEqual([
      { kind: MovementKind.MOVEMENT_KIND_RECEIPT, warehouseId: w, totalDelta: 3, reservedDelta: 0, orderId: 0 },
    ]);
  });
});

describe('AdjustStock', () => {
  it('sets the total as one ADJUSTMENT movement with its difference and reason, creating a missing row', async () => {
    const w = await newWarehouse(server);
    const [sku, missing] = [newSku(), newSku()];
    await receive(server, w, [{ sku, count: 5 }]);
    expect(await adjust(server, { warehouseId: w, sku, newTotal: 3, expectedTotal: 5, reason: 'damaged' })).toEqual({
      sku,
      warehouseId: w,
      total: 3,
      reserved: 0,
      available: 3,
    });
    const [newest] = await allMovements(server, sku);
    expect(newest).toMatchObject({ kind: MovementKind.MOVEMENT_KIND_ADJUSTMENT, totalDelta: -2, reservedDelta: 0, reason: 'damaged' });

    expect((await adjust(server, { warehouseId: w, sku: missing, newTotal: 7 })).total).toBe(7);
    expect(await stockRows(server.pool, missing)).toEqual([{ warehouseId: w, total: 7, reserved: 0 }]);
    expect((await allMovements(server, missing)).map((m) => m.totalDelta)).toEqual([7]);
  });

  it('lets exactly one of 20 concurrent counts with the same expected_total win; the others get ABORTED with the total it set', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    await receive(server, w, [{ sku, count: 10 }]);
    const answers = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => adjust(server, { warehouseId: w, sku, newTotal: 11 + i, expectedTotal: 10 })),
    );
    const won = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const lost = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as grpc.ServiceError] : []));
    expect(won).toHaveLength(1);
    const winnerTotal = won[0]!.total;
    expect(lost).toHaveLength(19);
    for (const err of lost) {
      expect(grpcCode(err)).toBe(grpc.status.ABORTED);
      expect(errorInfo(err)).toEqual({ reason: 'STOCK_CHANGED', domain: 'loms.v1', metadata: { current_total: String(winnerTotal) } });
    }
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: winnerTotal, reserved: 0 }]);
    const counts = (await allMovements(server, sku)).filter((m) => m.kind === MovementKind.MOVEMENT_KIND_ADJUSTMENT);
    expect(counts.map((m) => m.totalDelta)).toEqual([winnerTotal - 10]);
  });

  it('answers a count expecting another total than 0 on a missing row with ABORTED current_total 0, leaving no row behind', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    const err = await failure(adjust(server, { warehouseId: w, sku, newTotal: 4, expectedTotal: 3 }));
    expect(grpcCode(err)).toBe(grpc.status.ABORTED);
    expect(errorInfo(err)).toEqual({ reason: 'STOCK_CHANGED', domain: 'loms.v1', metadata: { current_total: '0' } });
    expect(await stockRows(server.pool, sku)).toEqual([]);
    expect((await adjust(server, { warehouseId: w, sku, newTotal: 4, expectedTotal: 0 })).total).toBe(4);
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 4, reserved: 0 }]);
  });

  it('refuses a total below the reserved units with FAILED_PRECONDITION STOCK_BELOW_RESERVED, and allows exactly the reserved', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    await receive(server, w, [{ sku, count: 5 }]);
    await createOrder(server, [{ sku, count: 3 }]);
    const err = await failure(adjust(server, { warehouseId: w, sku, newTotal: 2 }));
    expect(grpcCode(err)).toBe(grpc.status.FAILED_PRECONDITION);
    expect(errorInfo(err)).toEqual({ reason: 'STOCK_BELOW_RESERVED', domain: 'loms.v1', metadata: { reserved: '3' } });
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 5, reserved: 3 }]);
    expect(await adjust(server, { warehouseId: w, sku, newTotal: 3 })).toEqual({
      sku,
      warehouseId: w,
      total: 3,
      reserved: 3,
      available: 0,
    });
  });

  it('requires a reason and changes nothing without one', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    await receive(server, w, [{ sku, count: 5 }]);
    const err = await failure(adjust(server, { warehouseId: w, sku, newTotal: 1, reason: '' }));
    expect(grpcCode(err)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violatedFields(err)).toEqual(['reason']);
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 5, reserved: 0 }]);
  });

  it('answers a repeated key as the first time, even after its expected_total stopped holding, and counts once', async () => {
    const w = await newWarehouse(server);
    const sku = newSku();
    await receive(server, w, [{ sku, count: 5 }]);
    const key = `count-${sku}`;
    const first = await adjust(server, { idempotencyKey: key, warehouseId: w, sku, newTotal: 4, expectedTotal: 5 });
    await receive(server, w, [{ sku, count: 1 }]);
    expect(await adjust(server, { idempotencyKey: key, warehouseId: w, sku, newTotal: 4, expectedTotal: 5 })).toEqual(first);
    expect(await stockRows(server.pool, sku)).toEqual([{ warehouseId: w, total: 5, reserved: 0 }]);
    const err = await failure(adjust(server, { idempotencyKey: key, warehouseId: w, sku, newTotal: 3, expectedTotal: 5 }));
    expect(violatedFields(err)).toEqual(['idempotency_key']);
    expect((await allMovements(server, sku)).filter((m) => m.kind === MovementKind.MOVEMENT_KIND_ADJUSTMENT)).toHaveLength(1);
  });
});

describe('ListStockMovements', () => {
  it("lists a SKU's ledger newest first: receipts, and each order's reservation, release on cancel and write-off on payment", async () => {
    const w1 = await newWarehouse(server, { priority: 1 });
    const w2 = await newWarehouse(server, { priority: 2 });
    const sku = newSku();
    await receive(server, w1, [{ sku, count: 3 }]);
    await receive(server, w2, [{ sku, count: 4 }]);
    const cancelled = await createOrder(server, [{ sku, count: 2 }]);
    await server.call((c) => c.cancelOrder, { orderId: cancelled.orderId });
    const paid = await createOrder(server, [{ sku, count: 4 }]);
    await server.call((c) => c.orderPayed, { orderId: paid.orderId });

    const movements = await allMovements(server, sku);
    const { RECEIPT, RESERVATION, RELEASE, WRITE_OFF } = {
      RECEIPT: MovementKind.MOVEMENT_KIND_RECEIPT,
      RESERVATION: MovementKind.MOVEMENT_KIND_RESERVATION,
      RELEASE: MovementKind.MOVEMENT_KIND_RELEASE,
      WRITE_OFF: MovementKind.MOVEMENT_KIND_WRITE_OFF,
    };
    expect(movements.map(brief)).toEqual([
      { kind: WRITE_OFF, warehouseId: w2, totalDelta: -1, reservedDelta: -1, orderId: paid.orderId },
      { kind: WRITE_OFF, warehouseId: w1, totalDelta: -3, reservedDelta: -3, orderId: paid.orderId },
      { kind: RESERVATION, warehouseId: w2, totalDelta: 0, reservedDelta: 1, orderId: paid.orderId },
      { kind: RESERVATION, warehouseId: w1, totalDelta: 0, reservedDelta: 3, orderId: paid.orderId },
      { kind: RELEASE, warehouseId: w1, totalDelta: 0, reservedDelta: -2, orderId: cancelled.orderId },
      { kind: RESERVATION, warehouseId: w1, totalDelta: 0, reservedDelta: 2, orderId: cancelled.orderId },
      { kind: RECEIPT, warehouseId: w2, totalDelta: 4, reservedDelta: 0, orderId: 0 },
      { kind: RECEIPT, warehouseId: w1, totalDelta: 3, reservedDelta: 0, orderId: 0 },
    ]);
    const ids = movements.map((m) => m.movementId);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (let i = 1; i < movements.length; i += 1)
      expect(movements[i - 1]!.createdAt!.getTime()).toBeGreaterThanOrEqual(movements[i]!.createdAt!.getTime());
    expect(movements.every((m) => m.sku === sku)).toBe(true);
  });

  it('pages with next_page_token until an empty one, and filters by warehouse', async () => {
    const w1 = await newWarehouse(server);
    const w2 = await newWarehouse(server);
    const sku = newSku();
    for (let i = 1; i <= 5; i += 1) await receive(server, w1, [{ sku, count: i }]);
    for (let i = 1; i <= 2; i += 1) await receive(server, w2, [{ sku, count: 10 * i }]);

    const pages: inventory.StockMovement[][] = [];
    let pageToken = '';
    do {
      const page = await movementPage(server, { sku, pageSize: 2, pageToken });
      pages.push(page.movements);
      pageToken = page.nextPageToken;
    } while (pageToken !== '' && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(await allMovements(server, sku));
    expect(pages.flat().map((m) => m.totalDelta)).toEqual([20, 10, 5, 4, 3, 2, 1]);

    const onlyW2 = await movementPage(server, { sku, warehouseId: w2, pageSize: 1 });
    expect(onlyW2.movements.map((m) => [m.warehouseId, m.totalDelta])).toEqual([[w2, 20]]);
    const nextW2 = await movementPage(server, { sku, warehouseId: w2, pageSize: 1, pageToken: onlyW2.nextPageToken });
    expect(nextW2.movements.map((m) => [m.warehouseId, m.totalDelta])).toEqual([[w2, 10]]);
    expect(nextW2.nextPageToken).toBe('');
    expect((await allMovements(server, sku, w1)).map((m) => m.totalDelta)).toEqual([5, 4, 3, 2, 1]);

    const exact = await movementPage(server, { sku, warehouseId: w1, pageSize: 5 });
    expect([exact.movements.length, exact.nextPageToken]).toEqual([5, '']);
  });

  it('refuses a page token issued for another sku or warehouse with INVALID_ARGUMENT page_token; an unknown SKU has an empty ledger', async () => {
    const w = await newWarehouse(server);
    const [sku, otherSku] = [newSku(), newSku()];
    await receive(server, w, [{ sku, count: 1 }]);
    await receive(server, w, [{ sku, count: 2 }]);
    await receive(server, w, [{ sku: otherSku, count: 3 }]);
    await receive(server, w, [{ sku: otherSku, count: 4 }]);
    const { nextPageToken } = await movementPage(server, { sku, pageSize: 1 });
    expect(nextPageToken).not.toBe('');

    for (const request of [
      { sku: otherSku, pageToken: nextPageToken },
      { sku, warehouseId: w, pageToken: nextPageToken },
      { sku, pageToken: 'not-a-token' },
    ]) {
      const err = await failure(movementPage(server, request));
      expect(grpcCode(err)).toBe(grpc.status.INVALID_ARGUMENT);
      expect(violatedFields(err)).toEqual(['page_token']);
    }
    expect(await movementPage(server, { sku: newSku() })).toEqual({ movements: [], nextPageToken: '' });
  });
});

describe('allocation over warehouses', () => {
  it('takes from the warehouse of the lowest priority first under the default strategy', async () => {
    const a = await newWarehouse(server, { priority: 5 });
    const b = await newWarehouse(server, { priority: 1 });
    const c = await newWarehouse(server, { priority: 3 });
    const sku = newSku();
    for (const w of [a, b, c]) await receive(server, w, [{ sku, count: 2 }]);
    await createOrder(server, [{ sku, count: 3 }]);
    expect(await stockRows(server.pool, sku)).toEqual([
      { warehouseId: a, total: 2, reserved: 0 },
      { warehouseId: b, total: 2, reserved: 2 },
      { warehouseId: c, total: 2, reserved: 1 },
    ]);
  });

  it("leaves an inactive warehouse's units out of Stocks.available and never allocates them", async () => {
    const active = await newWarehouse(server, { priority: 5 });
    const inactive = await newWarehouse(server, { priority: 1 });
    const sku = newSku();
    await receive(server, active, [{ sku, count: 2 }]);
    await receive(server, inactive, [{ sku, count: 10 }]);
    expect((await stocks(server, sku)).available).toBe(12);
    await upsertWarehouse(server, { warehouseId: inactive, name: 'closed', priority: 1, active: false });

    expect(await stocks(server, sku)).toEqual({
      available: 2,
      warehouses: [
        { warehouseId: active, total: 2, reserved: 0, available: 2 },
        { warehouseId: inactive, total: 10, reserved: 0, available: 0 },
      ],
    });
    expect(await receive(server, inactive, [{ sku, count: 1 }])).toEqual([
      { sku, warehouseId: inactive, total: 11, reserved: 0, available: 0 },
    ]);
    const short = await failure(createOrder(server, [{ sku, count: 3 }]));
    expect(grpcCode(short)).toBe(grpc.status.FAILED_PRECONDITION);
    await createOrder(server, [{ sku, count: 2 }]);
    expect(await stockRows(server.pool, sku)).toEqual([
      { warehouseId: active, total: 2, reserved: 2 },
      { warehouseId: inactive, total: 11, reserved: 0 },
    ]);

    await upsertWarehouse(server, { warehouseId: inactive, name: 'reopened', priority: 1, active: true });
    expect((await stocks(server, sku)).available).toBe(11);
  });

  describe('with ALLOCATION_STRATEGY=most_available', () => {
    let mostAvailable: LomsTestServer;
    beforeAll(async () => {
      mostAvailable = await startLomsTestServer({ ALLOCATION_STRATEGY: 'most_available', ORDER_PAYMENT_TIMEOUT: '10m' });
    });
    afterAll(() => mostAvailable.stop());

    it('takes from the warehouse with the most available units first, ties by warehouse id, whatever the priorities', async () => {
      const a = await newWarehouse(mostAvailable, { priority: 1 });
      const b = await newWarehouse(mostAvailable, { priority: 2 });
      const sku = newSku();
      await receive(mostAvailable, a, [{ sku, count: 2 }]);
      await receive(mostAvailable, b, [{ sku, count: 5 }]);
      await createOrder(mostAvailable, [{ sku, count: 3 }]);
      expect(await stockRows(mostAvailable.pool, sku)).toEqual([
        { warehouseId: a, total: 2, reserved: 0 },
        { warehouseId: b, total: 5, reserved: 3 },
      ]);
      await createOrder(mostAvailable, [{ sku, count: 3 }]);
      expect(await stockRows(mostAvailable.pool, sku)).toEqual([
        { warehouseId: a, total: 2, reserved: 2 },
        { warehouseId: b, total: 5, reserved: 4 },
      ]);
    });
  });
});

/** SKUs whose rows a test made drift on purpose. */
const plantedDrifts = new Set<number>();

describe('CheckStockConsistency', () => {
  it('finds every row explained by its records after receipts, counts, orders, cancellations and payments', async () => {
    const w1 = await newWarehouse(server);
    const w2 = await newWarehouse(server);
    const [sku, other] = [newSku(), newSku()];
    await receive(server, w1, [
      { sku, count: 4 },
      { sku: other, count: 3 },
    ]);
    await receive(server, w2, [{ sku, count: 4 }]);
    await adjust(server, { warehouseId: w2, sku, newTotal: 6 });
    const cancelled = await createOrder(server, [{ sku, count: 5 }]);
    await server.call((c) => c.cancelOrder, { orderId: cancelled.orderId });
    const paid = await createOrder(server, [
      { sku, count: 7 },
      { sku: other, count: 1 },
    ]);
    await server.call((c) => c.orderPayed, { orderId: paid.orderId });
    await createOrder(server, [{ sku, count: 2 }]);
    expect(await checkConsistency(server, [sku, other])).toEqual({ rowsChecked: 3, drifts: [], driftsTotal: 0 });
  });

  it('reports planted drifts of total, of reserved and of an order cancelled without its release, with the row and its records; the skus filter selects rows', async () => {
    const w = await newWarehouse(server);
    const [totalDrift, reservedDrift, reservationDrift, clean] = [newSku(), newSku(), newSku(), newSku()];
    await receive(server, w, [
      { sku: totalDrift, count: 5 },
      { sku: reservedDrift, count: 4 },
      { sku: reservationDrift, count: 3 },
      { sku: clean, count: 1 },
    ]);
    await createOrder(server, [{ sku: reservedDrift, count: 2 }]);
    const { orderId } = await createOrder(server, [{ sku: reservationDrift, count: 2 }]);
    plantedDrifts.add(totalDrift).add(reservedDrift).add(reservationDrift);
    await server.pool.query('UPDATE stocks SET total = total + 1 WHERE sku = $1 AND warehouse_id = $2', [totalDrift, w]);
    await server.pool.query('UPDATE stocks SET reserved = reserved - 1 WHERE sku = $1 AND warehouse_id = $2', [reservedDrift, w]);
    await server.pool.query("UPDATE orders SET status = 'CANCELLED' WHERE id = $1", [orderId]);

    const totalRow = {
      sku: totalDrift,
      warehouseId: w,
      total: 6,
      totalFromMovements: 5,
      reserved: 0,
      reservedFromOrders: 0,
      reservedFromMovements: 0,
    };
    const reservedRow = {
      sku: reservedDrift,
      warehouseId: w,
      total: 4,
      totalFromMovements: 4,
      reserved: 1,
      reservedFromOrders: 2,
      reservedFromMovements: 2,
    };
    expect(await checkConsistency(server, [totalDrift])).toEqual({ rowsChecked: 1, drifts: [totalRow], driftsTotal: 1 });
    expect(await checkConsistency(server, [reservedDrift])).toEqual({ rowsChecked: 1, drifts: [reservedRow], driftsTotal: 1 });
    const reservationRow = {
      sku: reservationDrift,
      warehouseId: w,
      total: 3,
      totalFromMovements: 3,
      reserved: 2,
      reservedFromOrders: 0,
      reservedFromMovements: 2,
    };
    expect(await checkConsistency(server, [reservationDrift])).toEqual({ rowsChecked: 1, drifts: [reservationRow], driftsTotal: 1 });
    expect(await checkConsistency(server, [clean])).toEqual({ rowsChecked: 1, drifts: [], driftsTotal: 0 });
    expect(await checkConsistency(server, [clean, reservationDrift, reservedDrift, totalDrift, clean])).toEqual({
      rowsChecked: 4,
      drifts: [totalRow, reservedRow, reservationRow],
      driftsTotal: 3,
    });
  });

  it('finds no drift in the whole database but the planted rows, after every test above', async () => {
    const report = await checkConsistency(server, []);
    expect(report.rowsChecked).toBeGreaterThan(0);
    expect(new Set(report.drifts.map((d) => d.sku))).toEqual(plantedDrifts);
    expect(report.driftsTotal).toBe(plantedDrifts.size);
  });
});

describe('loms_stock_drift_rows', () => {
  let checked: LomsTestServer;
  beforeAll(async () => {
    checked = await startLomsTestServer({ STOCK_CHECK_INTERVAL: '200ms' });
  });
  afterAll(() => checked.stop());

  async function driftGauge(): Promise<number | undefined> {
    const text = await (await fetch(`http://127.0.0.1:${checked.handle.adminPort}/metrics`)).text();
    const match = /^loms_stock_drift_rows(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return match ? Number(match[1]) : undefined;
  }
  async function gaugeBecomes(expected: number): Promise<number | undefined> {
    const deadline = Date.now() + 15_000;
    let value = await driftGauge();
    while (value !== expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await driftGauge();
    }
    return value;
  }

  it('counts the drifting rows the periodic check finds, planted by SQL, and drops when one is repaired', async () => {
    const w = await newWarehouse(checked);
    const [sku, other] = [newSku(), newSku()];
    await receive(checked, w, [
      { sku, count: 5 },
      { sku: other, count: 4 },
    ]);
    await createOrder(checked, [{ sku: other, count: 2 }]);
    expect(await gaugeBecomes(0)).toBe(0);

    await checked.pool.query('UPDATE stocks SET total = total + 1 WHERE sku = $1 AND warehouse_id = $2', [sku, w]);
    expect(await gaugeBecomes(1)).toBe(1);
    await checked.pool.query('UPDATE stocks SET reserved = reserved + 1 WHERE sku = $1 AND warehouse_id = $2', [other, w]);
    expect(await gaugeBecomes(2)).toBe(2);
    await checked.pool.query('UPDATE stocks SET total = total - 1 WHERE sku = $1 AND warehouse_id = $2', [sku, w]);
    expect(await gaugeBecomes(1)).toBe(1);
  });
});

describe('InventoryService input bounds', () => {
  const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
  const cases: { name: string; call: () => Promise<unknown>; field: string }[] = [
    {
      name: 'ReceiveStock count over 1,000,000',
      call: () => receive(server, unknownWarehouse, [{ sku: 1, count: 1_000_001 }]),
      field: 'items[0].count',
    },
    {
      name: 'ReceiveStock merged count over 1,000,000',
      call: () =>
        receive(server, unknownWarehouse, [
          { sku: 1, count: 600_000 },
          { sku: 1, count: 600_000 },
        ]),
      field: 'items',
    },
    {
      name: 'ReceiveStock with 101 distinct SKUs',
      call: () =>
        receive(
          server,
          unknownWarehouse,
          many(101, 1).map((sku) => ({ sku, count: 1 })),
        ),
      field: 'items',
    },
    { name: 'ReceiveStock without items', call: () => receive(server, unknownWarehouse, []), field: 'items' },
    { name: 'ReceiveStock to warehouse 0', call: () => receive(server, 0, [{ sku: 1, count: 1 }]), field: 'warehouse_id' },
    {
      name: 'ReceiveStock with a 129-character key',
      call: () => receive(server, unknownWarehouse, [{ sku: 1, count: 1 }], 'k'.repeat(129)),
      field: 'idempotency_key',
    },
    { name: 'AdjustStock in warehouse 0', call: () => adjust(server, { warehouseId: 0, sku: 1, newTotal: 1 }), field: 'warehouse_id' },
    { name: 'AdjustStock of sku 0', call: () => adjust(server, { warehouseId: unknownWarehouse, sku: 0, newTotal: 1 }), field: 'sku' },
    {
      name: 'AdjustStock without a reason',
      call: () => adjust(server, { warehouseId: unknownWarehouse, sku: 1, newTotal: 1, reason: '' }),
      field: 'reason',
    },
    {
      name: 'AdjustStock with a 201-character reason',
      call: () => adjust(server, { warehouseId: unknownWarehouse, sku: 1, newTotal: 1, reason: 'r'.repeat(201) }),
      field: 'reason',
    },
    { name: 'ListStockMovements page_size 1001', call: () => movementPage(server, { sku: 1, pageSize: 1001 }), field: 'page_size' },
    { name: 'ListStockMovements of sku 0', call: () => movementPage(server, { sku: 0 }), field: 'sku' },
    { name: 'CheckStockConsistency of 1001 skus', call: () => checkConsistency(server, many(1001, 1)), field: 'skus' },
    { name: 'CheckStockConsistency of sku 0', call: () => checkConsistency(server, [1, 0]), field: 'skus[1]' },
    { name: 'UpsertWarehouse without a name', call: () => upsertWarehouse(server, { name: '' }), field: 'warehouse.name' },
    {
      name: 'UpsertWarehouse without a warehouse',
      call: () => server.callInventory((c) => c.upsertWarehouse, { warehouse: undefined }),
      field: 'warehouse',
    },
  ];

  it.each(cases)('$name: INVALID_ARGUMENT naming $field, before any lookup', async ({ call, field }) => {
    const err = await failure(call());
    expect(grpcCode(err)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(violatedFields(err)).toContain(field);
  });

  it('changes nothing for a refused receipt', async () => {
    const w = await newWarehouse(server);
    const [sku, tooMany] = [newSku(), newSku()];
    await failure(
      receive(server, w, [
        { sku, count: 1 },
        { sku: tooMany, count: 1_000_001 },
      ]),
    );
    expect(await stockRows(server.pool, sku)).toEqual([]);
    expect(await allMovements(server, sku)).toEqual([]);
  });
});
