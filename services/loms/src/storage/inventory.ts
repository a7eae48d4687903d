// Warehouses, receipts and counts, the movement ledger and its proof, in PostgreSQL.
import type { Pool } from 'pg';
import type { Queryable } from '@shop/platform';
import type { InventoryRepository, KeyClaim } from '../app/inventoryPorts';
import type { Tx } from '../app/ports';
import { stockLevel, type MovementKind, type StockChange, type StockLevel, type Warehouse } from '../domain/inventory';
import { consistencyStatement } from './consistencyStatement';
import { stockChangeCtes, stockLevelEventCtes } from './stockChangeSql';

interface StockRow {
  sku: string;
  warehouse_id: string;
  total: string;
  reserved: string;
  active: boolean;
}
interface WarehouseRow {
  id: string;
  name: string;
  priority: number;
  active: boolean;
}
interface MovementRow {
  id: string;
  sku: string;
  warehouse_id: string;
  kind: MovementKind;
  total_delta: string;
  reserved_delta: string;
  order_id: string | null;
  reason: string;
  created_at: Date;
}

const toLevel = (r: StockRow): StockLevel =>
  stockLevel({
    sku: Number(r.sku),
    warehouseId: Number(r.warehouse_id),
    total: Number(r.total),
    reserved: Number(r.reserved),
    active: r.active,
  });
const toWarehouse = (r: WarehouseRow): Warehouse => ({ id: Number(r.id), name: r.name, priority: r.priority, active: r.active });

const lockSkusCte = `locked AS (
  SELECT s.sku, s.warehouse_id, s.total, s.reserved, s.warehouse_active AS active
  FROM stocks s WHERE s.sku = ANY ($1::bigint[])
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
)`;

/** Receipts and counts: stock changes from parameters, on rows the transaction has locked. */
export const applyStockChangesStatement = `
WITH ${lockSkusCte},
stock_changes AS (
  SELECT c.sku, c.warehouse_id, c.kind, c.total_delta, 0::bigint AS reserved_delta, NULL::bigint AS order_id, c.reason
  FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[]) AS c(sku, warehouse_id, kind, total_delta, reason)
),${stockChangeCtes({ at: 'now()', traceparent: '$6', rowEvents: true })}
SELECT sku, warehouse_id, total, reserved, active FROM stock_after WHERE changed ORDER BY sku, warehouse_id`;

/** A warehouse's stock rows take its new active flag; the SKUs whose availability reaches or leaves 0 get an event. */
const warehouseActivityStatement = `
WITH locked AS (
  SELECT s.sku, s.warehouse_id, s.total, s.reserved, s.warehouse_active AS active
  FROM stocks s WHERE s.sku IN (SELECT sku FROM stocks WHERE warehouse_id = $1)
  ORDER BY s.sku, s.warehouse_id
  FOR UPDATE
),
flipped AS (
  UPDATE stocks s SET warehouse_active = $2 WHERE s.warehouse_id = $1 AND (SELECT count(*) FROM locked) > 0
),
stock_after AS (
  SELECT sku, warehouse_id, CASE WHEN warehouse_id = $1 THEN $2::boolean ELSE active END AS active, total, reserved,
         warehouse_id = $1 AS changed, CASE WHEN active THEN total - reserved ELSE 0 END AS available_before
  FROM locked
),${stockLevelEventCtes({ at: 'now()', traceparent: '$3', rowEvents: false }, 'stock_changes')}
SELECT count(*) FROM locked`;

/** Applies receipts and counts (see applyStockChangesStatement) with any Queryable: also the seed load's. */
export async function applyStockChanges(q: Queryable, changes: StockChange[], traceparent: string | undefined): Promise<StockLevel[]> {
  const { rows } = await q.query<StockRow>({
    name: 'loms_apply_stock_changes',
    text: applyStockChangesStatement,
    values: [
      changes.map((c) => c.sku),
      changes.map((c) => c.warehouseId),
      changes.map((c) => c.kind),
      changes.map((c) => c.totalDelta),
      changes.map((c) => c.reason),
      traceparent ?? null,
    ],
  });
  return rows.map(toLevel);
}

export function inventoryRepository(pool: Pool): InventoryRepository {
  const db = pool as unknown as Queryable;
  const q = (tx: Tx) => tx as Queryable;
  return {
    async listWarehouses() {
      const { rows } = await db.query<WarehouseRow>({
        name: 'loms_list_warehouses',
        text: 'SELECT id, name, priority, active FROM warehouses ORDER BY id',
        values: [],
      });
      return rows.map(toWarehouse);
    },

    async createWarehouse(tx, warehouse) {
      // Warehouses are few and rarely added: one creation at a time picks the next id.
      await q(tx).query({ name: 'loms_lock_warehouse_ids', text: 'LOCK TABLE warehouses IN SHARE ROW EXCLUSIVE MODE', values: [] });
      const { rows } = await q(tx).query<WarehouseRow>({
        name: 'loms_create_warehouse',
        text: `INSERT INTO warehouses (id, name, priority, active)
               SELECT COALESCE(max(id), 0) + 1, $1, $2, $3 FROM warehouses RETURNING id, name, priority, active`,
        values: [warehouse.name, warehouse.priority, warehouse.active],
      });
      const row = rows[0];
      if (!row) throw new Error('warehouse insert returned no row');
      return toWarehouse(row);
    },

    async lockWarehouseForChange(tx, id) {
      const { rows } = await q(tx).query<WarehouseRow>({
        name: 'loms_lock_warehouse_for_update',
        text: 'SELECT id, name, priority, active FROM warehouses WHERE id = $1 FOR UPDATE',
        values: [id],
      });
      return rows[0] && toWarehouse(rows[0]);
    },

    async updateWarehouse(tx, warehouse) {
      await q(tx).query({
        name: 'loms_update_warehouse',
        text: 'UPDATE warehouses SET name = $2, priority = $3, active = $4 WHERE id = $1',
        values: [warehouse.id, warehouse.name, warehouse.priority, warehouse.active],
      });
    },

    async setStockActivity(tx, warehouseId, active, traceparent) {
      await q(tx).query({
        name: 'loms_warehouse_activity',
        text: warehouseActivityStatement,
        values: [warehouseId, active, traceparent ?? null],
      });
    },

    async setStockPriority(tx, warehouseId, priority) {
      await q(tx).query({
        name: 'loms_warehouse_priority',
        text: `WITH locked AS (SELECT sku FROM stocks WHERE warehouse_id = $1 ORDER BY sku FOR UPDATE)
               UPDATE stocks s SET warehouse_priority = $2 FROM locked l WHERE s.sku = l.sku AND s.warehouse_id = $1`,
        values: [warehouseId, priority],
      });
    },

    async claimKey(tx, key, request): Promise<KeyClaim> {
      const claimed = await q(tx).query({
        name: 'loms_claim_inventory_key',
        text: 'INSERT INTO inventory_requests (idempotency_key, request) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        values: [key, JSON.stringify(request)],
      });
      if (claimed.rowCount === 1) return { kind: 'claimed' };
      const { rows } = await q(tx).query<{ same: boolean; response: unknown }>({
        name: 'loms_inventory_key_answer',
        text: 'SELECT request = $2::jsonb AS same, response FROM inventory_requests WHERE idempotency_key = $1',
        values: [key, JSON.stringify(request)],
      });
      const row = rows[0];
      if (!row) throw new Error('idempotency key conflict without a stored request');
      return row.same ? { kind: 'replay', response: row.response } : { kind: 'usedForOther' };
    },

    async storeResponse(tx, key, response) {
      await q(tx).query({
        name: 'loms_store_inventory_answer',
        text: 'UPDATE inventory_requests SET response = $2 WHERE idempotency_key = $1',
        values: [key, JSON.stringify(response)],
      });
    },

    async lockWarehouse(tx, id) {
      const { rowCount } = await q(tx).query({
        name: 'loms_lock_warehouse_for_share',
        text: 'SELECT 1 FROM warehouses WHERE id = $1 FOR SHARE',
        values: [id],
      });
      return rowCount === 1;
    },

    async createMissingRows(warehouseId, skus, idempotencyKey) {
      // FOR SHARE: a concurrent UpsertWarehouse commits first, so the row copies the warehouse's flag and priority as they now are.
      await db.query({
        name: 'loms_create_missing_stock_rows',
        text: `INSERT INTO stocks (sku, warehouse_id, total, warehouse_active, warehouse_priority)
               SELECT x.sku, w.id, 0, w.active, w.priority
               FROM unnest($2::bigint[]) AS x(sku), (SELECT id, active, priority FROM warehouses WHERE id = $1 FOR SHARE) w
               WHERE NOT EXISTS (SELECT 1 FROM inventory_requests WHERE idempotency_key = $3)
               ORDER BY x.sku ON CONFLICT DO NOTHING`,
        values: [warehouseId, skus, idempotencyKey],
      });
    },

    async lockStock(tx, skus) {
      const { rows } = await q(tx).query<StockRow>({
        name: 'loms_lock_stock_of_skus',
        text: `WITH ${lockSkusCte} SELECT sku, warehouse_id, total, reserved, active FROM locked`,
        values: [skus],
      });
      return rows.map(toLevel);
    },

    applyChanges: (tx, changes, traceparent) => applyStockChanges(q(tx), changes, traceparent),

    async listMovements(sku, warehouseId, beforeId, limit) {
      const { rows } = await db.query<MovementRow>({
        name: 'loms_list_stock_movements',
        text: `SELECT id, sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, created_at
               FROM stock_movements WHERE sku = $1 AND ($2::bigint = 0 OR warehouse_id = $2) AND id < $3
               ORDER BY id DESC LIMIT $4`,
        // The first page starts below every id, so one plan serves every page.
        values: [sku, warehouseId ?? 0, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      });
      return rows.map((r) => ({
        id: Number(r.id),
        sku: Number(r.sku),
        warehouseId: Number(r.warehouse_id),
        kind: r.kind,
        totalDelta: Number(r.total_delta),
        reservedDelta: Number(r.reserved_delta),
        orderId: r.order_id === null ? undefined : Number(r.order_id),
        reason: r.reason,
        createdAt: r.created_at,
      }));
    },

    async checkConsistency(skus, listAtMost) {
      const { rows } = await db.query<{
        rows_checked: string;
        drifts_total: string;
        drifts: {
          sku: string;
          warehouse_id: string;
          total: string;
          total_from_movements: string;
          reserved: string;
          reserved_from_orders: string;
          reserved_from_movements: string;
        }[];
      }>({ name: 'loms_check_stock_consistency', text: consistencyStatement, values: [skus ?? null, listAtMost] });
      const row = rows[0];
      return {
        rowsChecked: Number(row?.rows_checked ?? 0),
        driftsTotal: Number(row?.drifts_total ?? 0),
        drifts: (row?.drifts ?? []).map((d) => ({
          sku: Number(d.sku),
          warehouseId: Number(d.warehouse_id),
          total: Number(d.total),
          totalFromMovements: Number(d.total_from_movements),
          reserved: Number(d.reserved),
          reservedFromOrders: Number(d.reserved_from_orders),
          reservedFromMovements: Number(d.reserved_from_movements),
        })),
      };
    },
  };
}
