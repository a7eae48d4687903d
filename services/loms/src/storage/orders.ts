// The orders table: creation with reservation and status changes in one statement each, reads and locks.
import type { Pool } from 'pg';
import type { Queryable } from '@shop/platform';
import type { CreateOrderOutcome, NewOrder, OrderRepository, StoredOrder, Tx } from '../app/ports';
import type { StockShortage } from '../domain/errors';
import { createOrderStatement } from './createOrderStatement';
import { orderColumns, toStoredOrder, type OrderRow } from './orderRows';
import { statusChangeStatement } from './statusChangeStatement';

export function orderRepository(pool: Pool): OrderRepository {
  const q = (tx: Tx | undefined): Queryable => (tx as Queryable | undefined) ?? (pool as unknown as Queryable);
  const one = async (tx: Tx | undefined, name: string, text: string, values: unknown[]): Promise<StoredOrder | undefined> => {
    const { rows } = await q(tx).query<OrderRow>({ name, text, values });
    return rows[0] ? toStoredOrder(rows[0]) : undefined;
  };
  const many = async (tx: Tx, name: string, text: string, values: unknown[]): Promise<StoredOrder[]> => {
    const { rows } = await q(tx).query<OrderRow>({ name, text, values });
    return rows.map(toStoredOrder);
  };

  return {
    async createReservingStock(order: NewOrder): Promise<CreateOrderOutcome> {
      const { rows } = await pool.query<{ id: string; status: string; shortages: StockShortage[] | null }>({
        name: 'loms_create_order',
        text: createOrderStatement,
        values: [
          order.userId,
          order.items.map((i) => i.sku),
          order.items.map((i) => i.count),
          JSON.stringify(order.items),
          order.idempotencyKey ?? null,
          order.createdAt,
          order.paymentDeadline,
          order.event.eventId,
          order.event.traceparent ?? null,
        ],
      });
      const row = rows[0];
      if (!row) return { kind: 'keyTaken' };
      const orderId = Number(row.id);
      return row.status === 'FAILED'
        ? { kind: 'failed', orderId, shortages: row.shortages ?? [] }
        : { kind: 'created', orderId, status: 'AWAITING_PAYMENT' };
    },

    getById: (tx, id) => one(tx, 'loms_order_by_id', `SELECT ${orderColumns} FROM orders WHERE id = $1`, [id]),

    async changeStatusIfUnchanged(event, settlement) {
      const { rowCount } = await pool.query({
        name: 'loms_change_order_status',
        text: statusChangeStatement,
        values: [
          event.orderId,
          event.previousStatus,
          event.status,
          event.occurredAt,
          settlement === 'writeOff',
          event.eventId,
          JSON.stringify(event.items),
          event.traceparent ?? null,
        ],
      });
      return rowCount === 1;
    },

    getByIdempotencyKey: (userId, key) =>
      one(undefined, 'loms_order_by_key', `SELECT ${orderColumns} FROM orders WHERE user_id = $1 AND idempotency_key = $2`, [userId, key]),

    async listByUser(userId, beforeId, limit) {
      const { rows } = await pool.query<OrderRow>({
        name: 'loms_orders_of_user',
        text: `SELECT ${orderColumns} FROM orders WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
        // The first page starts below every id, so one plan serves every page (lomsSessionSettings).
        values: [userId, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      });
      return rows.map(toStoredOrder);
    },

    async setStatus(tx, ids, status, now) {
      await q(tx).query({
        name: 'loms_set_order_status',
        text: 'UPDATE orders SET status = $2, updated_at = $3 WHERE id = ANY ($1::bigint[])',
        values: [ids, status, now],
      });
    },

    lockExpired: (tx, now, limit) =>
      many(
        tx,
        'loms_lock_expired_orders',
        `SELECT ${orderColumns} FROM orders WHERE status = 'AWAITING_PAYMENT' AND payment_deadline <= $1
         ORDER BY payment_deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      ),

    lockStuckNew: (tx, createdBefore, limit) =>
      many(
        tx,
        'loms_lock_stuck_new_orders',
        `SELECT ${orderColumns} FROM orders WHERE status = 'NEW' AND created_at < $1
         ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [createdBefore, limit],
      ),
  };
}
