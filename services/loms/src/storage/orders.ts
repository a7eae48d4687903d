// The orders table: status changes in one statement, for a batch of calls or the canceller's, the read they decide
// from (for a batch of calls, also one statement), other reads and locks (creation: orderBatches.ts).
import type { Pool } from 'pg';
import type { Queryable } from '@shop/platform';
import type { OrderRepository, ReservationSettlement, Tx } from '../app/ports';
import type { Order, OrderId } from '../domain/order';
import type { OrderStatusChanged } from '../domain/statusChange';
import { orderColumns, toOrder, type OrderRow } from './orderRows';
import { statusChangeStatement } from './statusChangeStatement';

export function orderRepository(pool: Pool): Omit<OrderRepository, 'createReservingStock' | 'changeStatusIfUnchanged' | 'getWithClock'> {
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

    changeStatusesIfUnchanged: async (tx, events, settlement) =>
      (
        await changeStatuses(
          q(tx),
          events.map((event) => ({ event, settlement })),
        )
      ).map((c) => c.orderId),

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

type OrderWithClock = { order: Order; now: Date } | undefined;

/** The batch form of getWithClock: the orders of a batch of calls, and the clock, read by one statement. */
export function orderReadBatcher(pool: Pool): (ids: OrderId[]) => Promise<OrderWithClock[]> {
  return async (ids) => {
    const { rows } = await pool.query<OrderRow & { read_at: Date }>({
      name: 'loms_orders_with_clock',
      text: `SELECT ${orderColumns}, now() AS read_at FROM orders WHERE id = ANY ($1::bigint[])`,
      values: [ids],
    });
    const byId = new Map(rows.map((row) => [Number(row.id), { order: toOrder(row), now: row.read_at }]));
    return ids.map((id) => byId.get(id));
  };
}

interface StatusChange {
  event: OrderStatusChanged;
  settlement: ReservationSettlement;
}

/** The batch form of changeStatusIfUnchanged, on its own: whether each change was made. */
export function statusChangeBatchWriter(pool: Pool): (changes: StatusChange[]) => Promise<boolean[]> {
  return async (changes) => {
    const made = new Set((await changeStatuses(pool as unknown as Queryable, changes)).map((c) => c.eventId));
    return changes.map((c) => made.has(c.event.eventId));
  };
}

async function changeStatuses(q: Queryable, changes: StatusChange[]): Promise<{ orderId: number; eventId: string }[]> {
  if (changes.length === 0) return [];
  const { rows } = await q.query<{ id: string; event_id: string }>({
    name: 'loms_change_order_statuses',
    text: statusChangeStatement,
    values: [
      changes.map((c) => c.event.orderId),
      changes.map((c) => c.event.previousStatus),
      changes.map((c) => c.event.status),
      changes.map((c) => c.event.occurredAt),
      changes.map((c) => c.settlement === 'writeOff'),
      changes.map((c) => c.event.eventId),
      changes.map((c) => JSON.stringify(c.event.items)),
      changes.map((c) => c.event.traceparent ?? null),
      changes.map((c) => c.event.version),
    ],
  });
  return rows.map((r) => ({ orderId: Number(r.id), eventId: r.event_id }));
}
