// Carts in PostgreSQL: cart_items (user, sku, count) and carts (user, generation).
import type { Queryable } from '@shop/platform';
import type { CartStore } from '../app/ports';
import { maxDistinctSkus, maxItemCount, type CartItem } from '../domain/cart';

export const cartItems: CartStore = {
  async addUnits(q, userId, sku, count) {
    // domain/cart refusalToAdd under the cart's row lock, in one call (migrations/checkout, cart_add_units).
    const { rows } = await q.query<{ new_count: number | null; units_before: number | null }>({
      name: 'cart-add-units',
      text: 'SELECT new_count, units_before FROM cart_add_units($1, $2, $3, $4, $5)',
      values: [userId, sku, count, maxItemCount, maxDistinctSkus],
    });
    const row = rows[0];
    if (row?.new_count != null) return { count: row.new_count };
    return row?.units_before == null ? { refusal: 'CART_FULL', unitsOfSku: 0 } : { refusal: 'LINE_FULL', unitsOfSku: row.units_before };
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
