// Purchases in PostgreSQL: (user, idempotency key) → the LOMS order it made, recorded with the cart's emptying.
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

  async recordEmptyingCart(q, userId, idempotencyKey, orderId, bought) {
    const { rows } = await q.query<{ recorded: boolean }>({
      name: 'purchase-record-emptying-cart',
      text: `WITH recorded AS (
               INSERT INTO purchases (user_id, idempotency_key, order_id) VALUES ($1, $2, $3)
               ON CONFLICT (user_id, idempotency_key) DO NOTHING
               RETURNING user_id),
             bought AS (SELECT b.sku, b.count FROM unnest($4::bigint[], $5::int[]) AS b (sku, count) WHERE EXISTS (SELECT 1 FROM recorded)),
             gone AS (DELETE FROM cart_items c USING bought b WHERE c.user_id = $1 AND c.sku = b.sku AND c.count <= b.count),
             reduced AS (UPDATE cart_items c SET count = c.count - b.count FROM bought b
                         WHERE c.user_id = $1 AND c.sku = b.sku AND c.count > b.count),
             bumped AS (INSERT INTO carts (user_id, generation) SELECT user_id, 1 FROM recorded
                        ON CONFLICT (user_id) DO UPDATE SET generation = carts.generation + 1)
             SELECT EXISTS (SELECT 1 FROM recorded) AS recorded`,
      values: [userId, idempotencyKey, orderId, bought.map((i) => i.sku), bought.map((i) => i.count)],
    });
    return rows[0]?.recorded === true;
  },
};
