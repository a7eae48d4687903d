// Purchase: turns the cart into a LOMS order, at most once per idempotency key.
import { derivePurchaseKey } from '../domain/purchaseKey';
import { EmptyCartError, OrderRejectedError } from '../domain/errors';
import type { CartStore, Db, Loms, PurchaseStore } from './ports';

export interface PurchaseDeps {
  db: Db;
  carts: CartStore;
  purchases: PurchaseStore;
  loms: Loms;
}

export async function purchase(deps: PurchaseDeps, input: { userId: number; idempotencyKey: string }): Promise<{ orderId: number }> {
  const { userId } = input;
  if (input.idempotencyKey !== '') {
    // Before anything else, so a retry after success answers although the cart is now empty.
    const known = await deps.purchases.findOrderId(deps.db.pool, userId, input.idempotencyKey);
    if (known !== undefined) return { orderId: known };
  }
  // Recording a purchase removes its items and bumps the generation in one transaction; reading both in
  // one snapshot sees the cart before that (so derives the same key, and LOMS answers the same order) or after.
  const { items, generation } = await deps.carts.snapshot(deps.db.pool, userId);
  if (items.length === 0) {
    // A purchase with this key may have emptied the cart since the lookup above.
    const known = input.idempotencyKey === '' ? undefined : await deps.purchases.findOrderId(deps.db.pool, userId, input.idempotencyKey);
    if (known !== undefined) return { orderId: known };
    throw new EmptyCartError(userId);
  }
  const idempotencyKey = input.idempotencyKey || derivePurchaseKey(userId, generation, items);

  let orderId: number;
  try {
    ({ orderId } = await deps.loms.createOrder({ userId, items, idempotencyKey }));
  } catch (err) {
    // A refusal is final for this key; the next attempt on the kept cart gets a fresh derived key.
    if (err instanceof OrderRejectedError) await deps.carts.bumpGeneration(deps.db.pool, userId);
    throw err;
  }

  if (await deps.purchases.recordEmptyingCart(deps.db.pool, userId, idempotencyKey, orderId, items)) return { orderId };
  return { orderId: (await deps.purchases.findOrderId(deps.db.pool, userId, idempotencyKey)) ?? orderId };
}
