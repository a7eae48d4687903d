// What the use cases need from storage and the outside world; storage/ implements it.
import type { Order, OrderId, OrderItem, Sku, StockShortage, UserId } from '../domain/order';
import type { StockLevel } from '../domain/inventory';
import type { OrderStatusChanged } from '../domain/statusChange';
import type { InventoryRepository } from './inventoryPorts';

/** A transaction handle; opaque to use cases. */
export type Tx = { readonly __brand?: 'Tx' } & object;

export interface NewOrder {
  userId: UserId;
  items: OrderItem[];
  idempotencyKey: string | undefined;
  /** The order is created at the database's clock and due this long after. */
  paymentTimeoutMs: number;
  event: { eventId: string; traceparent: string | undefined };
}

export type CreateOrderOutcome =
  | { kind: 'created'; orderId: OrderId; status: 'AWAITING_PAYMENT'; createdAt: Date; paymentDeadline: Date }
  | { kind: 'failed'; orderId: OrderId; shortages: StockShortage[] }
  | { kind: 'keyTaken' };

/** What a status change does with the order's reserved units: take them out of stock, or give them back. */
export type ReservationSettlement = 'writeOff' | 'release';

export interface OrderRepository {
  /**
   * Atomically: inserts the order, dated by the database's clock, and, when every item can be served,
   * reserves its stock; writes its first event.
   */
  createReservingStock(order: NewOrder): Promise<CreateOrderOutcome>;
  getById(q: Tx | undefined, id: OrderId): Promise<Order | undefined>;
  /** The order and the database's clock, read together: what a status change decides from. */
  getWithClock(id: OrderId): Promise<{ order: Order; now: Date } | undefined>;
  /**
   * Atomically, if the order is still in `event.previousStatus` with the version before `event.version`:
   * moves it to `event.status`, settles its reservations and records the event. False, with nothing
   * written, when it changed first.
   */
  changeStatusIfUnchanged(event: OrderStatusChanged, settlement: ReservationSettlement): Promise<boolean>;
  /** The batch form of changeStatusIfUnchanged, in the caller's transaction: the ids of the orders it changed. */
  changeStatusesIfUnchanged(tx: Tx, events: OrderStatusChanged[], settlement: ReservationSettlement): Promise<OrderId[]>;
  getByIdempotencyKey(userId: UserId, key: string): Promise<Order | undefined>;
  listByUser(userId: UserId, beforeId: OrderId | undefined, limit: number): Promise<Order[]>;
  /** Locks up to `limit` unpaid orders past their deadline (skipping orders locked elsewhere). */
  lockExpired(tx: Tx, now: Date, limit: number): Promise<Order[]>;
  /** Locks up to `limit` orders left in NEW since before `createdBefore`. */
  lockStuckNew(tx: Tx, createdBefore: Date, limit: number): Promise<Order[]>;
}

export interface StockRepository {
  /** The SKU's stock rows, by warehouse id. */
  getBySku(sku: Sku): Promise<StockLevel[]>;
}

/** The database's clock: the one clock every replica shares (docs/api.md, "Clocks"). */
export interface DatabaseClock {
  /** The time of the transaction `tx`. */
  now(tx: Tx): Promise<Date>;
}

export interface LomsDeps {
  inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  orders: OrderRepository;
  stocks: StockRepository;
  inventory: InventoryRepository;
  clock: DatabaseClock;
  newEventId(): string;
  /** The W3C traceparent of the current request, if it is traced. */
  traceparent(): string | undefined;
  paymentTimeoutMs: number;
}
