// InventoryService as the fuzz sees it (called with the `admin` certificate): each method's request shape,
// hostile values for its fields, the codes and ErrorInfo reasons proto/loms/v1/inventory.proto documents for it,
// and its input bounds.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { inventory } from '@shop/proto';
import { anyCallCodes, asUint32, type Bounds, type FuzzedMethod } from './contract';
import {
  hostileBool,
  hostileInt32,
  hostileScopedPageToken,
  hostileText,
  hostileUint32,
  hostileUint64,
  nonUtf8Bytes,
  safeInt64,
} from './hostileValues';
import { idempotencyKey } from './lomsMethods';
import type { MessageSchema, MessageValue } from './requestSchema';

const { ABORTED, FAILED_PRECONDITION, NOT_FOUND } = grpc.status;
export const inventoryService = 'loms.v1.InventoryService';
const service = `/${inventoryService}/`;

export const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
export const maxReceivedCount = 1_000_000;

const stockCount: MessageSchema = [
  { name: 'sku', no: 1, type: 'uint32' },
  { name: 'count', no: 2, type: 'uint32' },
];

const warehouse: MessageSchema = [
  { name: 'warehouse_id', no: 1, type: 'int64' },
  { name: 'name', no: 2, type: 'string' },
  { name: 'priority', no: 3, type: 'int32' },
  { name: 'active', no: 4, type: 'bool' },
];

export const inventorySchemas = {
  listWarehouses: [],
  upsertWarehouse: [{ name: 'warehouse', no: 1, type: warehouse }],
  receiveStock: [
    { name: 'idempotency_key', no: 1, type: 'string' },
    { name: 'warehouse_id', no: 2, type: 'int64' },
    { name: 'items', no: 3, type: stockCount, repeated: true },
  ],
  adjustStock: [
    { name: 'idempotency_key', no: 1, type: 'string' },
    { name: 'warehouse_id', no: 2, type: 'int64' },
    { name: 'sku', no: 3, type: 'uint32' },
    { name: 'new_total', no: 4, type: 'uint64' },
    { name: 'expected_total', no: 5, type: 'uint64' },
    { name: 'reason', no: 6, type: 'string' },
  ],
  listStockMovements: [
    { name: 'sku', no: 1, type: 'uint32' },
    { name: 'warehouse_id', no: 2, type: 'int64' },
    { name: 'page_size', no: 3, type: 'int32' },
    { name: 'page_token', no: 4, type: 'string' },
  ],
  checkStockConsistency: [{ name: 'skus', no: 1, type: 'uint32', repeated: true, packed: true }],
} satisfies Record<string, MessageSchema>;

const text = (): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof({ weight: 4, arbitrary: hostileText() }, { weight: 1, arbitrary: nonUtf8Bytes() });

/** Receipt counts: around the 1..1,000,000 bound and the uint32 edges. */
const receivedCount = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 1000n }) },
    { weight: 1, arbitrary: fc.constantFrom(0n, 999_999n, 1_000_000n, 1_000_001n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n + 1n) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }) },
  );

/** Lists of 100 to 10,000 items: one SKU over and over, distinct SKUs, and counts that overflow only when merged. */
const bulkReceipt = (): fc.Arbitrary<MessageValue[]> =>
  fc
    .tuple(fc.constantFrom(100, 101, 1000, 10_000), fc.constantFrom('one sku', 'distinct skus', 'count 0', 'merged overflow'))
    .map(([n, shape]) =>
      Array.from({ length: n }, (_, i): MessageValue => {
        if (shape === 'one sku') return { sku: 1001n, count: 1n };
        if (shape === 'distinct skus') return { sku: BigInt(1001 + i), count: 1n };
        if (shape === 'count 0') return { sku: BigInt(1001 + i), count: 0n };
        return { sku: 1002n, count: BigInt(maxReceivedCount) };
      }),
    );

export const receiptItems = (): fc.Arbitrary<MessageValue[]> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.record({ sku: hostileUint32(), count: receivedCount() }), { maxLength: 5 }) },
    // A few SKUs again and again: 600,000 twice passes the bound only once merged.
    {
      weight: 3,
      arbitrary: fc.array(fc.record({ sku: fc.constantFrom(1001n, 1002n, 0n), count: fc.oneof(receivedCount(), fc.constant(600_000n)) }), {
        minLength: 2,
        maxLength: 8,
      }),
    },
    { weight: 1, arbitrary: bulkReceipt() },
  );

const skuList = (): fc.Arbitrary<bigint[]> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.array(hostileUint32(), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 1001, 5000).map((n) => Array.from({ length: n }, (_, i) => BigInt(1001 + (i % 300)))) },
  );

const warehouseValue = (): fc.Arbitrary<MessageValue> =>
  fc.record({ warehouse_id: safeInt64(), name: text(), priority: hostileInt32(), active: hostileBool() }, { requiredKeys: [] });

/** The scope a ListStockMovements token is issued for, as the server reads the request's sku and warehouse_id. */
export const movementScope = (sku: bigint, warehouseId: bigint): string => `m${asUint32(sku)}:${Number(warehouseId)}`;

const movementPage = (): fc.Arbitrary<MessageValue> =>
  fc.tuple(hostileUint32(), fc.oneof(fc.constant(0n), safeInt64())).chain(([sku, warehouseId]) =>
    fc.record({
      sku: fc.constant(sku),
      warehouse_id: fc.constant(warehouseId),
      page_size: hostileInt32(),
      page_token: fc.oneof(fc.constant(''), hostileScopedPageToken(movementScope(sku, warehouseId))),
    }),
  );

const idempotency = { idempotency_key: { kind: 'text', max: 128 } } satisfies Bounds;

export const inventoryMethods = (): FuzzedMethod[] => [
  {
    path: service + 'ListWarehouses',
    schema: inventorySchemas.listWarehouses,
    decode: (b) => inventory.ListWarehousesRequest.decode(b),
    allowed: anyCallCodes,
    request: fc.constant({}),
    bounds: {},
  },
  {
    path: service + 'UpsertWarehouse',
    schema: inventorySchemas.upsertWarehouse,
    decode: (b) => inventory.UpsertWarehouseRequest.decode(b),
    allowed: [...anyCallCodes, NOT_FOUND],
    request: fc.record({ warehouse: warehouseValue() }, { requiredKeys: [] }),
    bounds: {
      warehouse: {
        kind: 'message',
        required: true,
        schema: warehouse,
        bounds: {
          warehouse_id: { kind: 'between', min: 0, max: Number.MAX_SAFE_INTEGER },
          name: { kind: 'text', max: 200, nonEmpty: true },
        },
      },
    },
  },
  {
    path: service + 'ReceiveStock',
    schema: inventorySchemas.receiveStock,
    decode: (b) => inventory.ReceiveStockRequest.decode(b),
    allowed: [...anyCallCodes, NOT_FOUND],
    request: fc.record({ idempotency_key: idempotencyKey(), warehouse_id: safeInt64(), items: receiptItems() }),
    bounds: {
      ...idempotency,
      warehouse_id: { kind: 'positive' },
      items: { kind: 'orderItems', maxCount: maxReceivedCount, maxDistinctSkus: 100 },
    },
  },
  {
    path: service + 'AdjustStock',
    schema: inventorySchemas.adjustStock,
    decode: (b) => inventory.AdjustStockRequest.decode(b),
    allowed: [...anyCallCodes, NOT_FOUND, FAILED_PRECONDITION, ABORTED],
    request: fc.record(
      {
        idempotency_key: idempotencyKey(),
        warehouse_id: safeInt64(),
        sku: hostileUint32(),
        new_total: hostileUint64(),
        expected_total: hostileUint64(),
        reason: text(),
      },
      { requiredKeys: ['idempotency_key', 'warehouse_id', 'sku', 'new_total', 'reason'] },
    ),
    bounds: {
      ...idempotency,
      warehouse_id: { kind: 'positive' },
      sku: { kind: 'positive' },
      new_total: { kind: 'between', min: 0, max: Number.MAX_SAFE_INTEGER },
      expected_total: { kind: 'between', min: 0, max: Number.MAX_SAFE_INTEGER },
      reason: { kind: 'text', max: 200, nonEmpty: true },
    },
    errorInfo: {
      ABORTED: { reason: 'STOCK_CHANGED', metadata: ['current_total'] },
      FAILED_PRECONDITION: { reason: 'STOCK_BELOW_RESERVED', metadata: ['reserved'] },
    },
  },
  {
    path: service + 'ListStockMovements',
    schema: inventorySchemas.listStockMovements,
    decode: (b) => inventory.ListStockMovementsRequest.decode(b),
    allowed: anyCallCodes,
    request: movementPage(),
    bounds: {
      sku: { kind: 'positive' },
      warehouse_id: { kind: 'between', min: 0, max: Number.MAX_SAFE_INTEGER },
      page_size: { kind: 'between', min: 0, max: 1000 },
    },
  },
  {
    path: service + 'CheckStockConsistency',
    schema: inventorySchemas.checkStockConsistency,
    decode: (b) => inventory.CheckStockConsistencyRequest.decode(b),
    allowed: anyCallCodes,
    request: fc.record({ skus: skuList() }),
    bounds: { skus: { kind: 'positiveList', max: 1000 } },
  },
];
