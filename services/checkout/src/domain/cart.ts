// Cart rules: how many units of one SKU and how many SKUs a cart may hold, and what it costs.
export interface CartItem {
  sku: number;
  count: number;
}

export interface PricedCartItem extends CartItem {
  name: string;
  priceMinorUnits: number;
}

/** The bound of every count field (docs/api.md); a cart line may not grow past it either. */
export const maxItemCount = 10_000;
/** LOMS takes at most this many distinct SKUs per order, so a cart may not hold more. */
export const maxDistinctSkus = 100;

/** Which bound adding units would pass: the units of one SKU, or the number of SKUs. */
export type AddRefusal = 'LINE_FULL' | 'CART_FULL';

/** Whether `count` more units of a SKU fit a cart holding `unitsOfSku` of it and `distinctSkus` SKUs in all. */
export function refusalToAdd(cart: { unitsOfSku: number; distinctSkus: number }, count: number): AddRefusal | undefined {
  if (cart.unitsOfSku + count > maxItemCount) return 'LINE_FULL';
  if (cart.unitsOfSku === 0 && cart.distinctSkus >= maxDistinctSkus) return 'CART_FULL';
  return undefined;
}

export function cartTotalMinorUnits(items: readonly PricedCartItem[]): number {
  return items.reduce((sum, item) => sum + item.priceMinorUnits * item.count, 0);
}

export function sortedBySku<T extends CartItem>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.sku - b.sku);
}
