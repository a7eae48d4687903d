// DeleteFromCart: removes up to `count` units; deleting what is not there is fine.
import type { CartStore, Db } from './ports';

export async function deleteFromCart(
  deps: { db: Db; carts: CartStore },
  input: { userId: number; sku: number; count: number },
): Promise<void> {
  await deps.carts.removeUnits(deps.db.pool, input.userId, input.sku, input.count);
}
