// ClearCart: empties the user's cart.
import type { CartStore, Db } from './ports';

export async function clearCart(deps: { db: Db; carts: CartStore }, userId: number): Promise<void> {
  await deps.carts.clear(deps.db.pool, userId);
}
