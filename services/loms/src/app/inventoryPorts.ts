// What the inventory use cases need from storage; storage/inventory.ts implements it.
import type { ConsistencyReport, StockChange, StockLevel, StockMovement, Warehouse, WarehouseId } from '../domain/inventory';
import type { Sku } from '../domain/order';
import type { Tx } from './ports';

/** What claiming an idempotency key found. */
export type KeyClaim = { kind: 'claimed' } | { kind: 'replay'; response: unknown } | { kind: 'usedForOther' };

export interface InventoryRepository {
  listWarehouses(): Promise<Warehouse[]>;
  /** Creates the warehouse under the next free id (its `id` is ignored). */
  createWarehouse(tx: Tx, warehouse: Warehouse): Promise<Warehouse>;
  /** Locks the warehouse for a change until the transaction ends; undefined when there is none. */
  lockWarehouseForChange(tx: Tx, id: WarehouseId): Promise<Warehouse | undefined>;
  updateWarehouse(tx: Tx, warehouse: Warehouse): Promise<void>;
  /** Gives the warehouse's stock rows its new active flag, publishing the availability flips it causes. */
  setStockActivity(tx: Tx, warehouseId: WarehouseId, active: boolean, traceparent: string | undefined): Promise<void>;
  /** Gives the warehouse's stock rows its new priority, locking them in (sku, warehouse) order. */
  setStockPriority(tx: Tx, warehouseId: WarehouseId, priority: number): Promise<void>;
  /**
   * Claims `key` for `request` in the transaction: a concurrent claim of the same key waits for this one, then
   * finds the response stored with it (or that it was used for another request).
   */
  claimKey(tx: Tx, key: string, request: object): Promise<KeyClaim>;
  storeResponse(tx: Tx, key: string, response: object): Promise<void>;
  /** Locks the warehouse against changes until the transaction ends; false when there is none. */
  lockWarehouse(tx: Tx, id: WarehouseId): Promise<boolean>;
  /**
   * Creates, each committed at once and empty, the warehouse's stock rows of these SKUs that are missing: so that a
   * transaction that then locks a SKU's rows locks all of them (an uncommitted row would be invisible to the others).
   * Nothing is created for a request whose idempotency key is already used: its answer is stored, or it is refused.
   */
  createMissingRows(warehouseId: WarehouseId, skus: Sku[], idempotencyKey: string): Promise<void>;
  /** Locks every stock row of the SKUs, in lock order. */
  lockStock(tx: Tx, skus: Sku[]): Promise<StockLevel[]>;
  /** Applies the changes to locked rows with their movements and level events; the levels of the changed rows, by SKU. */
  applyChanges(tx: Tx, changes: StockChange[], traceparent: string | undefined): Promise<StockLevel[]>;
  /** The SKU's movements, newest first, below `beforeId`; `warehouseId` undefined = all warehouses. */
  listMovements(sku: Sku, warehouseId: WarehouseId | undefined, beforeId: number | undefined, limit: number): Promise<StockMovement[]>;
  /** Recomputes the rows of the SKUs (all when undefined) from their records, in one snapshot. */
  checkConsistency(skus: Sku[] | undefined, listAtMost: number): Promise<ConsistencyReport>;
}
