// Orders and the pure rules about their items and payment deadline.
import type { OrderStatus } from './orderStatus';

export type OrderId = number;
export type UserId = number;
export type Sku = number;

export interface OrderItem {
  sku: Sku;
  count: number;
}

export interface StockShortage {
  sku: Sku;
  requested: number;
  available: number;
}

export interface Order {
  id: OrderId;
  userId: UserId;
  status: OrderStatus;
  /** Merged by SKU and sorted by SKU. */
  items: OrderItem[];
  /** Why a FAILED order failed, by SKU; empty for every other order. */
  shortages: StockShortage[];
  createdAt: Date;
  updatedAt: Date;
  paymentDeadline: Date;
  /** The version of the order's latest event; 0 before its first. */
  eventVersion: number;
}

/** Items of one SKU are merged; the result is sorted by SKU, which is also the stock lock order. */
export function mergeItems(items: readonly OrderItem[]): OrderItem[] {
  const counts = new Map<Sku, number>();
  for (const item of items) counts.set(item.sku, (counts.get(item.sku) ?? 0) + item.count);
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([sku, count]) => ({ sku, count }));
}

export function sameItems(a: readonly OrderItem[], b: readonly OrderItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item.sku === b[i]?.sku && item.count === b[i]?.count);
}

/** CreateOrder's statement applies this in SQL, by the database's clock, in its one round trip; tests hold the two equal. */
export function paymentDeadline(createdAt: Date, paymentTimeoutMs: number): Date {
  return new Date(createdAt.getTime() + paymentTimeoutMs);
}

export function isPastDeadline(order: Pick<Order, 'paymentDeadline'>, now: Date): boolean {
  return order.paymentDeadline.getTime() <= now.getTime();
}
