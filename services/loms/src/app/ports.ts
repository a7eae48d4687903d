// What the use cases need from storage and the outside world; storage/ implements it.
import type { Order, OrderId, OrderItem, Sku, UserId } from '../domain/order';
import type { OrderStatus } from '../domain/orderStatus';
import type { StockShortage } from '../domain/errors';
import type { OrderStatusChanged } from '../domain/statusChange';

/** A transaction handle; opaque to use cases. */
export type Tx = { readonly __brand?: 'Tx' } & object;

export interface NewOrder {
  userId: UserId;
  items: OrderItem[];
  idempotencyKey: string | undefined;
  createdAt: Date;
  paymentDeadline: Date;
  event: { eventId: string; traceparent: string | undefined };
}

export type CreateOrderOutcome =
  | { kind: 'created'; orderId: OrderId; status: 'AWAITING_PAYMENT' }
  | { kind: 'failed'; orderId: OrderId; shortages: StockShortage[] }
  | { kind: 'keyTaken' };

/** What a status change does with the order's reserved units: take them out of stock, or give them back. */
export type ReservationSettlement = 'writeOff' | 'release';

export interface StoredOrder extends Order {
  shortages: StockShortage[] | undefined;
}

export interface OrderRepository {
  /** Atomically: inserts the order and, when every item can be served, reserves its stock; writes its event. */
  createReservingStock(order: NewOrder): Promise<CreateOrderOutcome>;
  getById(q: Tx | undefined, id: OrderId): Promise<StoredOrder | undefined>;
  /**
   * Atomically, if the order is still in `event.previousStatus`: moves it to `event.status`, settles its
   * reservations and records the event. False, with nothing written, when its status changed first.
   */
  changeStatusIfUnchanged(event: OrderStatusChanged, settlement: ReservationSettlement): Promise<boolean>;
  getByIdempotencyKey(userId: UserId, key: string): Promise<StoredOrder | undefined>;
  listByUser(userId: UserId, beforeId: OrderId | undefined, limit: number): Promise<Order[]>;
  setStatus(tx: Tx, ids: OrderId[], status: OrderStatus, now: Date): Promise<void>;
  /** Locks up to `limit` unpaid orders past their deadline (skipping orders locked elsewhere). */
  lockExpired(tx: Tx, now: Date, limit: number): Promise<StoredOrder[]>;
  /** Locks up to `limit` orders left in NEW since before `createdBefore`. */
  lockStuckNew(tx: Tx, createdBefore: Date, limit: number): Promise<StoredOrder[]>;
}

export interface WarehouseStock {
  warehouseId: number;
  total: number;
  reserved: number;
}

export interface StockRepository {
  /** Turns the orders' reservations into a write-off: total and reserved both drop. */
  writeOffReservations(tx: Tx, orderIds: OrderId[]): Promise<void>;
  /** Gives the orders' reserved units back. */
  releaseReservations(tx: Tx, orderIds: OrderId[]): Promise<void>;
  getBySku(sku: Sku): Promise<WarehouseStock[]>;
}

export interface Outbox {
  add(tx: Tx, events: OrderStatusChanged[]): Promise<void>;
}

export interface LomsDeps {
  inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  orders: OrderRepository;
  stocks: StockRepository;
  outbox: Outbox;
  now(): Date;
  newEventId(): string;
  /** The W3C traceparent of the current request, if it is traced. */
  traceparent(): string | undefined;
  paymentTimeoutMs: number;
}
