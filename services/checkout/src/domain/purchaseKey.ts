// The idempotency key of a purchase whose caller gave none: stable for one cart (user, generation,
// contents), so a retry after a lost response finds the order LOMS already made.
import { createHash } from 'node:crypto';
import { sortedBySku, type CartItem } from './cart';

export function derivePurchaseKey(userId: number, cartGeneration: number, items: readonly CartItem[]): string {
  const canonical = sortedBySku(items)
    .map((i) => `${i.sku}x${i.count}`)
    .join(',');
  return 'cart:' + createHash('sha256').update(`${userId}|${cartGeneration}|${canonical}`).digest('hex');
}
