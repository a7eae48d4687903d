// Mapping between rows of the orders table and the domain's orders.
import type { Order, OrderItem, StockShortage } from '../domain/order';
import { isOrderStatus } from '../domain/orderStatus';

export interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  items: OrderItem[];
  shortages: StockShortage[] | null;
  created_at: Date;
  updated_at: Date;
  payment_deadline: Date;
  event_version: number;
}

export const orderColumns = 'id, user_id, status, items, shortages, created_at, updated_at, payment_deadline, event_version';

export function toOrder(row: OrderRow): Order {
  if (!isOrderStatus(row.status)) throw new Error(`order ${row.id} has unknown status ${row.status}`);
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    status: row.status,
    items: row.items,
    shortages: row.shortages ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    paymentDeadline: row.payment_deadline,
    eventVersion: row.event_version,
  };
}
