// The orders table: status changes in one statement, reads and locks (creation: orderBatches.ts).
import type { Pool } from 'pg';
import type { Queryable } from '@shop/platform';
import type { OrderRepository, ReservationSettlement, Tx } from '../app/ports';
import type { Order } from '../domain/order';
import type { OrderStatusChanged } from '../domain/statusChange';
import { orderColumns, toOrder, type OrderRow } from './orderRows';
import { statusChangeStatement } from './statusChangeStatement';

export function orderRepository(pool: Pool): Omit<OrderRepository, 'createReservingStock'> {
  const q = (tx: Tx | undefined): Queryable => (tx as Queryable | undefined) ?? (pool as unknown as Queryable);
  const one = async (tx: Tx | undefined, name: string, text: string, values: unknown[]): Promise<Order | undefined> => {
    const { rows } = await q(tx).query<OrderRow>({ name, text, values });
    return rows[0] ? toOrder(rows[0]) : undefined;
  };
  const many = async (tx: Tx, name: string, text: string, values: unknown[]): Promise<Order[]> => {
    const { rows } = await q(tx).query<OrderRow>({ name, text, values });
    return rows.map(toOrder);
  };

  return {
    getById: (tx, id) => one(tx, 'loms_order_by_id', `SELECT ${orderColumns} FROM orders WHERE id = $1`, [id]),

    async getWithClock(id) {
      const { rows } = await pool.query<OrderRow & { read_at: Date }>({
        name: 'loms_order_with_clock',
        text: `SELECT ${orderColumns}, now() AS read_at FROM orders WHERE id = $1`,
        values: [id],
      });
      const row = rows[0];
      return row && { order: toOrder(row), now: row.read_at };
    },

    changeStatusIfUnchanged: async (event, settlement) =>
      (await changeStatuses(pool as unknown as Queryable, [event], settlement)).length === 1,
    changeStatusesIfUnchanged: (tx, events, settlement) => changeStatuses(q(tx), events, settlement),

    getByIdempotencyKey: (userId, key) =>
      one(undefined, 'loms_order_by_key', `SELECT ${orderColumns} FROM orders WHERE user_id = $1 AND idempotency_key = $2`, [userId, key]),

    async listByUser(userId, beforeId, limit) {
      const { rows } = await pool.query<OrderRow>({
        name: 'loms_orders_of_user',
        text: `SELECT ${orderColumns} FROM orders WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
        // The first page starts below every id, so one plan serves every page (lomsSessionSettings).
        values: [userId, beforeId ?? Number.MAX_SAFE_INTEGER, limit],
      });
      return rows.map(toOrder);
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

async function changeStatuses(q: Queryable, events: OrderStatusChanged[], settlement: ReservationSettlement): Promise<number[]> {
  if (events.length === 0) return [];
  const at = events[0]?.occurredAt;
  if (events.some((e) => e.status !== events[0]?.status || e.occurredAt.getTime() !== at?.getTime()))
    throw new Error('one batch of status changes has one target status and one time');
  const { rows } = await q.query<{ id: string }>({
    name: 'loms_change_order_statuses',
    text: statusChangeStatement,
    values: [
      events.map((e) => e.orderId),
      events.map((e) => e.previousStatus),
      events[0]?.status,
      at,
      settlement === 'writeOff',
      events.map((e) => e.eventId),
      events.map((e) => JSON.stringify(e.items)),
      events.map((e) => e.traceparent ?? null),
      events.map((e) => e.version),
    ],
  });
  return rows.map((r) => Number(r.id));
}
