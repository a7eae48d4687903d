// gRPC fuzz of InventoryService: hostile field values, malformed protobuf bytes and other callers against the
// real LOMS over a seeded database; every answer must be one inventory.proto documents, the server stays
// SERVING, the ledger explains every stock row, and a refused receipt or count changes no stock.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inventory, loms } from '@shop/proto';
import { lomsCredentials } from '@shop/devstack';
import {
  startLomsTestServer,
  stockRows,
  type LomsTestServer,
  seededLomsDatabase,
} from '../../services/loms/test/integration/lomsTestServer';
import { expectServingAfterEach, itAnswersFuzzedRequests, itRefusesWhatTheDecoderCannotHold } from './support/commonFuzzTests';
import { asText, badRequestFields, describeRequest, expectDocumentedOutcome } from './support/contract';
import { eventuallyServing, expectRefusedNaming, fuzzTarget, type FuzzTarget } from './support/fuzzProperties';
import { beyondSafeInt64, hostileScopedPageToken, hostileText, hostileUint64 } from './support/hostileValues';
import { inventoryMethods, inventoryService, maxReceivedCount, maxSafe, movementScope } from './support/inventoryMethods';
import { malformedRequest } from './support/malformedMessages';
import type { Outcome } from './support/rawClient';
import { encodeRequest, type MessageValue } from './support/requestSchema';

const method = (name: string) => `/${inventoryService}/${name}`;
const receiveStock = method('ReceiveStock');
const adjustStock = method('AdjustStock');
const listStockMovements = method('ListStockMovements');
const upsertWarehouse = method('UpsertWarehouse');

let server: LomsTestServer;
let admin: FuzzTarget;
let others: { name: string; target: FuzzTarget }[] = [];

beforeAll(async () => {
  server = await startLomsTestServer({}, await seededLomsDatabase());
  const address = `localhost:${server.handle.grpcPort}`;
  admin = fuzzTarget(address, lomsCredentials('admin'), inventoryService, inventoryMethods());
  others = (['checkout', 'payments'] as const).map((name) => ({
    name,
    target: fuzzTarget(address, lomsCredentials(name), inventoryService, inventoryMethods()),
  }));
  await eventuallyServing(admin);
});

expectServingAfterEach(() => admin);

// Whatever a test sent, every stock row is still what its movements and its orders' reservations say.
afterEach(async () => {
  if (!server) return;
  const report = await server.callInventory((c) => c.checkStockConsistency, { skus: [] });
  expect(report.drifts).toEqual([]);
  expect(report.driftsTotal).toBe(0);
});

afterAll(async () => {
  admin?.client.close();
  for (const { target } of others) target.client.close();
  await server?.stop();
});

const fuzzedMethod = (path: string) => {
  const fuzzed = admin.methods.find((m) => m.path === path);
  if (!fuzzed) throw new Error(path);
  return fuzzed;
};

const call = (path: string, value: MessageValue): Promise<Outcome> =>
  admin.client.call(path, encodeRequest(fuzzedMethod(path).schema, value));

const errorInfo = (outcome: Outcome) => outcome.details.flatMap((d) => (d.kind === 'ErrorInfo' ? [d.value] : []));

describe('InventoryService under a gRPC fuzz (admin certificate)', () => {
  itAnswersFuzzedRequests(() => admin, { hostileRuns: 400, malformedRuns: 200 });

  it('refuses the checkout and payments certificates with PERMISSION_DENIED, whatever the request bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...others),
        fc.constantFrom(...admin.methods).chain((m) =>
          fc.tuple(
            fc.constant(m.path),
            fc.oneof(
              m.request.map((v) => encodeRequest(m.schema, v)),
              malformedRequest(m.schema, m.request),
            ),
          ),
        ),
        async (caller, [path, bytes]) => {
          const outcome = await caller.target.client.call(path, bytes);
          const where = `${caller.name} ${path} bytes ${bytes.toString('hex').slice(0, 200)} → ${outcome.message}`;
          expect(grpc.status[outcome.code], where).toBe('PERMISSION_DENIED');
          expect(errorInfo(outcome), where).toEqual([expect.objectContaining({ reason: 'CALLER_NOT_ALLOWED', domain: 'auth' })]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('InventoryService: input past what the decoder, a JavaScript number or PostgreSQL holds', () => {
  itRefusesWhatTheDecoderCannotHold(() => admin, {
    idsTitle: 'refuses warehouse ids and stock totals beyond 2^53 with INVALID_ARGUMENT naming the field',
  });

  it('refuses UpsertWarehouse with warehouse.warehouse_id beyond 2^53 with INVALID_ARGUMENT naming warehouse.warehouse_id', async () => {
    await fc.assert(
      fc.asyncProperty(beyondSafeInt64(), async (id) => {
        await expectRefusedNaming(
          admin,
          upsertWarehouse,
          { warehouse: { warehouse_id: id, name: 'w', active: 1n } },
          'warehouse.warehouse_id',
        );
      }),
      { numRuns: 20 },
    );
  });

  // PostgreSQL text cannot hold NUL (22021): each text must be refused before it reaches the database.
  it('refuses a NUL in a warehouse name, a count reason or an idempotency key with INVALID_ARGUMENT naming the field', async () => {
    await expectRefusedNaming(admin, upsertWarehouse, { warehouse: { warehouse_id: 0n, name: 'a\u0000b' } }, 'warehouse.name');
    const count = { warehouse_id: 1n, sku: 1001n, new_total: 5n };
    await expectRefusedNaming(admin, adjustStock, { ...count, reason: 'a\u0000b' }, 'reason');
    await expectRefusedNaming(admin, adjustStock, { ...count, reason: 'r', idempotency_key: '\u0000' }, 'idempotency_key');
    const receipt = { warehouse_id: 1n, items: [{ sku: 1001n, count: 1n }] };
    await expectRefusedNaming(admin, receiveStock, { ...receipt, idempotency_key: 'k\u0000' }, 'idempotency_key');
  });
});

/** A request that must be refused, and how: the code, and the field named or the ErrorInfo with its metadata. */
interface Refusal {
  path: string;
  value: MessageValue;
  code: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'FAILED_PRECONDITION' | 'ABORTED';
  field?: string;
  info?: { reason: string; metadata: Record<string, string> };
}

describe('InventoryService: refused receipts and counts change no stock', () => {
  // Beyond the catalogue (1001..1300) and the fuzz's usual SKUs, in a warehouse of its own.
  const control = 4_000_000_001n;
  const usedKey = 'inventory-fuzz-used-key';

  async function controlState() {
    const rows = await stockRows(server.pool, Number(control));
    const movements = await server.callInventory((c) => c.listStockMovements, {
      sku: Number(control),
      warehouseId: 0,
      pageSize: 1000,
      pageToken: '',
    });
    const { rows: events } = await server.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM outbox WHERE event_type = 'stock.level_changed' AND payload->>'sku' = $1",
      [String(control)],
    );
    return { rows, movementIds: movements.movements.map((m) => m.movementId), events: Number(events[0]?.n) };
  }

  it('answers ReceiveStock and AdjustStock requests that must be refused as documented, and leaves the control SKU as it was', async () => {
    const created = await server.callInventory((c) => c.upsertWarehouse, {
      warehouse: { warehouseId: 0, name: 'inventory fuzz control', priority: -(2 ** 31), active: true },
    });
    const w = BigInt(created.warehouse?.warehouseId ?? 0);
    await server.callInventory((c) => c.receiveStock, {
      idempotencyKey: '',
      warehouseId: Number(w),
      items: [{ sku: Number(control), count: 100 }],
    });
    const order = await server.call((c) => c.createOrder, { userId: 1, items: [{ sku: Number(control), count: 7 }], idempotencyKey: '' });
    expect(order.status).toBe(loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT);
    const firstReceipt = { idempotency_key: usedKey, warehouse_id: w, items: [{ sku: control, count: 1n }] };
    const first = await call(receiveStock, firstReceipt);
    expect(grpc.status[first.code]).toBe('OK');

    const before = await controlState();
    const row = before.rows.find((r) => r.warehouseId === Number(w));
    expect(row).toMatchObject({ total: 101, reserved: 7 });
    const total = BigInt(row?.total ?? 0);
    const reserved = BigInt(row?.reserved ?? 0);

    const valid = { sku: control, count: 1n };
    const receipt = (value: MessageValue) => ({ idempotency_key: '', warehouse_id: w, items: [valid], ...value });
    const count = (value: MessageValue) => ({
      idempotency_key: '',
      warehouse_id: w,
      sku: control,
      new_total: total + 1n,
      reason: 'count',
      ...value,
    });
    const badText = (max: number) => hostileText().filter((t) => asText(t).includes('\u0000') || asText(t).length > max);
    const unknownWarehouse = fc.bigInt({ min: 1_000_000n, max: maxSafe });
    const notPositive = fc.oneof(fc.constantFrom(0n, -1n, -maxSafe), fc.bigInt({ min: -maxSafe, max: 0n }));
    const badItem = fc.oneof(
      fc.constantFrom(0n, 2n ** 32n).map((sku) => ({ item: { sku, count: 1n }, field: 'sku' })),
      fc
        .constantFrom(0n, 1_000_001n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n)
        .map((n) => ({ item: { sku: control, count: n }, field: 'count' })),
    );
    const refusal: fc.Arbitrary<Refusal> = fc.oneof(
      fc.tuple(badItem, fc.boolean()).map(([bad, last]): Refusal => {
        const items = last ? [valid, bad.item] : [bad.item, valid];
        return { path: receiveStock, value: receipt({ items }), code: 'INVALID_ARGUMENT', field: `items[${last ? 1 : 0}].${bad.field}` };
      }),
      notPositive.map((id): Refusal => ({
        path: receiveStock,
        value: receipt({ warehouse_id: id }),
        code: 'INVALID_ARGUMENT',
        field: 'warehouse_id',
      })),
      unknownWarehouse.map((id): Refusal => ({ path: receiveStock, value: receipt({ warehouse_id: id }), code: 'NOT_FOUND' })),
      badText(128).map((key): Refusal => ({
        path: receiveStock,
        value: receipt({ idempotency_key: key }),
        code: 'INVALID_ARGUMENT',
        field: 'idempotency_key',
      })),
      fc.bigInt({ min: 2n, max: 1000n }).map((n): Refusal => ({
        path: receiveStock,
        value: { ...firstReceipt, items: [{ sku: control, count: n }] },
        code: 'INVALID_ARGUMENT',
        field: 'idempotency_key',
      })),
      fc.integer({ min: 101, max: 300 }).map((n): Refusal => ({
        path: receiveStock,
        value: receipt({ items: Array.from({ length: n }, (_, i) => ({ sku: control - BigInt(i), count: 1n })) }),
        code: 'INVALID_ARGUMENT',
        field: 'items',
      })),
      fc
        .tuple(fc.bigInt({ min: 1n, max: BigInt(maxReceivedCount) }), fc.bigInt({ min: 1n, max: BigInt(maxReceivedCount) }))
        .filter(([a, b]) => a + b > maxReceivedCount)
        .map(([a, b]): Refusal => ({
          path: receiveStock,
          value: receipt({
            items: [
              { sku: control, count: a },
              { sku: control, count: b },
            ],
          }),
          code: 'INVALID_ARGUMENT',
          field: 'items',
        })),
      beyondSafeInt64().map((id): Refusal => ({
        path: receiveStock,
        value: receipt({ warehouse_id: id }),
        code: 'INVALID_ARGUMENT',
        field: 'warehouse_id',
      })),
      fc
        .tuple(
          hostileUint64().filter((t) => t !== total),
          hostileUint64().filter((t) => t >= reserved),
        )
        .map(([expected, next]): Refusal => ({
          path: adjustStock,
          value: count({ expected_total: expected, new_total: next }),
          code: 'ABORTED',
          info: { reason: 'STOCK_CHANGED', metadata: { current_total: String(total) } },
        })),
      fc.tuple(fc.bigInt({ min: 0n, max: reserved - 1n }), fc.boolean()).map(([next, withExpected]): Refusal => ({
        path: adjustStock,
        value: count({ new_total: next, ...(withExpected ? { expected_total: total } : {}) }),
        code: 'FAILED_PRECONDITION',
        info: { reason: 'STOCK_BELOW_RESERVED', metadata: { reserved: String(reserved) } },
      })),
      fc
        .oneof(fc.constant(''), badText(200))
        .map((reason): Refusal => ({ path: adjustStock, value: count({ reason }), code: 'INVALID_ARGUMENT', field: 'reason' })),
      fc
        .constantFrom('new_total', 'expected_total')
        .chain((field) =>
          fc
            .bigInt({ min: maxSafe + 1n, max: 2n ** 64n - 1n })
            .map((n): Refusal => ({ path: adjustStock, value: count({ [field]: n }), code: 'INVALID_ARGUMENT', field })),
        ),
      unknownWarehouse.map((id): Refusal => ({ path: adjustStock, value: count({ warehouse_id: id }), code: 'NOT_FOUND' })),
      fc.constant<Refusal>({
        path: adjustStock,
        value: count({ idempotency_key: usedKey }),
        code: 'INVALID_ARGUMENT',
        field: 'idempotency_key',
      }),
      notPositive.map((id): Refusal => ({
        path: adjustStock,
        value: count({ warehouse_id: id }),
        code: 'INVALID_ARGUMENT',
        field: 'warehouse_id',
      })),
      badText(128).map((key): Refusal => ({
        path: adjustStock,
        value: count({ idempotency_key: key }),
        code: 'INVALID_ARGUMENT',
        field: 'idempotency_key',
      })),
    );

    await fc.assert(
      fc.asyncProperty(refusal, async (r) => {
        const outcome = await call(r.path, r.value);
        const request = describeRequest(r.value);
        const where = `${r.path} ${request} → ${grpc.status[outcome.code]} ${outcome.message.slice(0, 300)}`;
        expectDocumentedOutcome(fuzzedMethod(r.path), outcome, request);
        expect(grpc.status[outcome.code], where).toBe(r.code);
        if (r.field) expect(badRequestFields(outcome), where).toEqual([r.field]);
        if (r.info)
          expect(errorInfo(outcome), where).toEqual([expect.objectContaining({ reason: r.info.reason, metadata: r.info.metadata })]);
      }),
      { numRuns: 200 },
    );

    // The same key with the same content answers as the first call did and receives nothing twice.
    const replay = await call(receiveStock, firstReceipt);
    expect(grpc.status[replay.code], replay.message).toBe('OK');
    expect(replay.response).toEqual(first.response);

    expect(await controlState()).toEqual(before);
    const check = await server.callInventory((c) => c.checkStockConsistency, { skus: [Number(control)] });
    expect(check.rowsChecked).toBeGreaterThanOrEqual(1);
    expect(check.drifts).toEqual([]);
  }, 60_000);
});

describe('ListStockMovements page tokens', () => {
  const sku = 4_000_000_002;
  let warehouses: number[] = [];
  /** Every token the pages of `sku` issue (page size 1), with the list it was issued for. */
  let issued: { token: string; warehouseId: number; nextIds: number[] }[] = [];

  async function pages(warehouseId: number) {
    const found: { token: string; warehouseId: number; nextIds: number[] }[] = [];
    let token = '';
    for (;;) {
      const page = await server.callInventory((c) => c.listStockMovements, { sku, warehouseId, pageSize: 1, pageToken: token });
      if (found.length > 0) found[found.length - 1]!.nextIds = page.movements.map((m) => m.movementId);
      if (page.nextPageToken === '') return found;
      token = page.nextPageToken;
      found.push({ token, warehouseId, nextIds: [] });
    }
  }

  beforeAll(async () => {
    warehouses = [];
    for (const name of ['tokens a', 'tokens b']) {
      const created = await server.callInventory((c) => c.upsertWarehouse, {
        warehouse: { warehouseId: 0, name, priority: 0, active: true },
      });
      warehouses.push(created.warehouse?.warehouseId ?? 0);
    }
    for (const warehouseId of warehouses)
      for (const count of [1, 2, 3])
        await server.callInventory((c) => c.receiveStock, { idempotencyKey: '', warehouseId, items: [{ sku, count }] });
    issued = [...(await pages(0)), ...(await pages(warehouses[0]!)), ...(await pages(warehouses[1]!))];
  });

  it('continues the list a token was issued for, and refuses it for any other sku or warehouse with INVALID_ARGUMENT page_token', async () => {
    expect(issued.length).toBe(5 + 2 + 2);
    for (const t of issued) {
      const own = await call(listStockMovements, {
        sku: BigInt(sku),
        warehouse_id: BigInt(t.warehouseId),
        page_size: 1n,
        page_token: t.token,
      });
      expect(grpc.status[own.code], own.message).toBe('OK');
      const page = inventory.ListStockMovementsResponse.decode(own.response ?? Buffer.alloc(0));
      expect(page.movements.map((m) => m.movementId)).toEqual(t.nextIds);
    }
    const other = fc.tuple(
      fc.constantFrom(...issued),
      fc.oneof(fc.constant(BigInt(sku)), fc.constant(BigInt(sku) + 1n), fc.bigInt({ min: 1n, max: 2n ** 32n - 1n })),
      fc.oneof(fc.constantFrom(0n, ...warehouses.map(BigInt)), fc.bigInt({ min: 0n, max: maxSafe })),
    );
    await fc.assert(
      fc.asyncProperty(
        other.filter(([t, s, w]) => s !== BigInt(sku) || w !== BigInt(t.warehouseId)),
        async ([t, otherSku, otherWarehouse]) => {
          const value = { sku: otherSku, warehouse_id: otherWarehouse, page_size: 10n, page_token: t.token };
          const outcome = await call(listStockMovements, value);
          const where = `${describeRequest(value)} (issued for warehouse ${t.warehouseId}) → ${grpc.status[outcome.code]} ${outcome.message}`;
          expect(grpc.status[outcome.code], where).toBe('INVALID_ARGUMENT');
          expect(badRequestFields(outcome), where).toEqual(['page_token']);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses page tokens it did not issue with INVALID_ARGUMENT naming page_token', async () => {
    const issuedTokens = new Set(issued.map((t) => t.token));
    const request = fc.constantFrom(0, ...warehouses).chain((warehouseId) =>
      fc.tuple(
        fc.constant(warehouseId),
        hostileScopedPageToken(movementScope(BigInt(sku), BigInt(warehouseId))).filter(
          (t) => t !== '' && !issuedTokens.has(t) && !looksIssued(t, sku, warehouseId),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([warehouseId, token]) => {
        const value = { sku: BigInt(sku), warehouse_id: BigInt(warehouseId), page_size: 10n, page_token: token };
        const outcome = await call(listStockMovements, value);
        const where = `${describeRequest(value)} → ${grpc.status[outcome.code]} ${outcome.message}`;
        expectDocumentedOutcome(fuzzedMethod(listStockMovements), outcome, describeRequest(value));
        expect(grpc.status[outcome.code], where).toBe('INVALID_ARGUMENT');
        expect(badRequestFields(outcome), where).toEqual(['page_token']);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * A token of the form the server issues for this list (`o1:m<sku>:<warehouse>:<id>`, id a positive safe
 * integer, base64url): the server cannot tell it from one it issued, so the fuzz does not count it as malformed.
 */
function looksIssued(token: string, sku: number, warehouseId: number): boolean {
  const match = /^o1:(.+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const id = Number(match?.[2]);
  return match?.[1] === `m${sku}:${warehouseId}` && Number.isSafeInteger(id) && id > 0;
}

describe('InventoryService: stock totals stay within what a JavaScript number holds', () => {
  // A total past 2^53 - 1 rounds when read: a later count would then record the wrong difference.
  it('refuses a receipt that would take a total past 2^53 - 1 with INVALID_ARGUMENT naming items, and a later count sets exactly its total', async () => {
    const created = await server.callInventory((c) => c.upsertWarehouse, {
      warehouse: { warehouseId: 0, name: 'near the top', priority: 0, active: true },
    });
    const w = BigInt(created.warehouse?.warehouseId ?? 0);
    const sku = 4_000_000_003n;
    const top = await call(adjustStock, { warehouse_id: w, sku, new_total: maxSafe, reason: 'count' });
    expect(grpc.status[top.code], top.message).toBe('OK');
    for (const n of [1n, 1n, 1_000_000n]) {
      const receipt = await call(receiveStock, { warehouse_id: w, items: [{ sku, count: n }] });
      expect(grpc.status[receipt.code], receipt.message).toBe('INVALID_ARGUMENT');
      expect(badRequestFields(receipt)).toEqual(['items']);
    }
    expect(await stockRows(server.pool, Number(sku))).toEqual([{ warehouseId: Number(w), total: Number.MAX_SAFE_INTEGER, reserved: 0 }]);
    const counted = await call(adjustStock, { warehouse_id: w, sku, new_total: 5n, reason: 'count' });
    expect(grpc.status[counted.code], counted.message).toBe('OK');
    expect(inventory.AdjustStockResponse.decode(counted.response ?? Buffer.alloc(0)).level?.total).toBe(5);
    const below = await call(receiveStock, { warehouse_id: w, items: [{ sku, count: 1_000_000n }] });
    expect(grpc.status[below.code], below.message).toBe('OK');
    expect(await stockRows(server.pool, Number(sku))).toEqual([{ warehouseId: Number(w), total: 1_000_005, reserved: 0 }]);
  });
});
