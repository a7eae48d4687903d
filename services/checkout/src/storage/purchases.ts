// Purchases in PostgreSQL: (user, idempotency key) → the LOMS order it made.
import type { PurchaseStore } from '../app/ports';

export const purchases: PurchaseStore = {
  async findOrderId(q, userId, idempotencyKey) {
    const { rows } = await q.query<{ order_id: string }>({
      name: 'purchase-find',
      text: 'SELECT order_id FROM purchases WHERE user_id = $1 AND idempotency_key = $2',
      values: [userId, idempotencyKey],
    });
    return rows[0] === undefined ? undefined : Number(rows[0].order_id);
  },

  async record(q, userId, idempotencyKey, orderId) {
    const { rowCount } = await q.query({
      name: 'purchase-record',
      text: `INSERT INTO purchases (user_id, idempotency_key, order_id) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
      values: [userId, idempotencyKey, orderId],
    });
    return rowCount === 1;
  },
};
