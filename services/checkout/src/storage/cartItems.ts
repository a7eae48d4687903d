// Carts in PostgreSQL: cart_items (user, sku, count) and carts (user, generation).
import type { Queryable } from '@shop/platform';
import type { CartStore } from '../app/ports';
import { maxDistinctSkus, maxItemCount, type CartItem } from '../domain/cart';

export const cartItems: CartStore = {
  async lock(q, userId) {
    // The upsert takes the row lock whether or not the cart had a row yet.
    await q.query({
      name: 'cart-lock',
      text: `INSERT INTO carts (user_id) VALUES ($1)
             ON CONFLICT (user_id) DO UPDATE SET generation = carts.generation`,
      values: [userId],
    });
  },

  async addUnits(q, userId, sku, count) {
    // domain/cart refusalToAdd in one statement: a line may grow to $4 units, a new line needs fewer than $5 lines.
    const { rows } = await q.query<{ count: number | null; before: number | null }>({
      name: 'cart-add-units',
      text: `WITH line AS (SELECT count FROM cart_items WHERE user_id = $1 AND sku = $2),
                  added AS (
                    INSERT INTO cart_items (user_id, sku, count)
                    SELECT $1::bigint, $2::bigint, $3::integer
                    WHERE EXISTS (SELECT 1 FROM line) OR (SELECT count(*) FROM cart_items WHERE user_id = $1) < $5
                    ON CONFLICT (user_id, sku) DO UPDATE SET count = cart_items.count + excluded.count
                    WHERE cart_items.count + excluded.count <= $4
                    RETURNING count)
             SELECT (SELECT count FROM added) AS count, (SELECT count FROM line) AS before`,
      values: [userId, sku, count, maxItemCount, maxDistinctSkus],
    });
    const row = rows[0];
    if (row?.count != null) return { count: row.count };
    return row?.before == null ? { refusal: 'CART_FULL', unitsOfSku: 0 } : { refusal: 'LINE_FULL', unitsOfSku: row.before };
  },

  async removeUnits(q, userId, sku, count) {
    await q.query({
      name: 'cart-remove-units',
      text: `WITH gone AS (DELETE FROM cart_items WHERE user_id = $1 AND sku = $2 AND count <= $3)
             UPDATE cart_items SET count = count - $3 WHERE user_id = $1 AND sku = $2 AND count > $3`,
      values: [userId, sku, count],
    });
  },

  async listItems(q, userId) {
    const { rows } = await q.query<{ sku: string; count: number }>({
      name: 'cart-list-items',
      text: 'SELECT sku, count FROM cart_items WHERE user_id = $1 ORDER BY sku',
      values: [userId],
    });
    return rows.map((r): CartItem => ({ sku: Number(r.sku), count: r.count }));
  },

  async snapshot(q, userId) {
    const { rows } = await q.query<{ generation: string; skus: string[]; counts: number[] }>({
      name: 'cart-snapshot',
      text: `SELECT coalesce((SELECT generation FROM carts WHERE user_id = $1), 0) AS generation,
                    coalesce(array_agg(sku ORDER BY sku), '{}') AS skus,
                    coalesce(array_agg(count ORDER BY sku), '{}') AS counts
             FROM cart_items WHERE user_id = $1`,
      values: [userId],
    });
    const row = rows[0];
    const counts = row?.counts ?? [];
    return {
      generation: Number(row?.generation ?? 0),
      items: (row?.skus ?? []).map((sku, i): CartItem => ({ sku: Number(sku), count: counts[i] ?? 0 })),
    };
  },

  async shape(q, userId, sku) {
    const { rows } = await q.query<{ units: number; lines: number }>({
      name: 'cart-shape',
      text: `SELECT coalesce(max(count) FILTER (WHERE sku = $2), 0)::int AS units, count(*)::int AS lines
             FROM cart_items WHERE user_id = $1`,
      values: [userId, sku],
    });
    return { unitsOfSku: rows[0]?.units ?? 0, distinctSkus: rows[0]?.lines ?? 0 };
  },

  async clear(q: Queryable, userId: number) {
    await q.query({ name: 'cart-clear', text: 'DELETE FROM cart_items WHERE user_id = $1', values: [userId] });
  },

  async bumpGeneration(q, userId) {
    await q.query({
      name: 'cart-bump-generation',
      text: `INSERT INTO carts (user_id, generation) VALUES ($1, 1)
             ON CONFLICT (user_id) DO UPDATE SET generation = carts.generation + 1`,
      values: [userId],
    });
  },
};
