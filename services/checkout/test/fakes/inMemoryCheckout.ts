// In-memory fakes of Checkout's ports for use-case unit tests.
import type { AddedUnits, CartStore, Db, Loms, Product, ProductCatalogue, PurchaseStore, Queryable } from '../../src/app/ports';
import { refusalToAdd, type CartItem } from '../../src/domain/cart';
import { ProductNotFoundError } from '../../src/domain/errors';

export const fakeDb: Db = { pool: {} as Queryable };

export class InMemoryCarts implements CartStore {
  readonly lines = new Map<number, Map<number, number>>();
  readonly generations = new Map<number, number>();

  private cart(userId: number): Map<number, number> {
    let cart = this.lines.get(userId);
    if (!cart) this.lines.set(userId, (cart = new Map()));
    return cart;
  }

  addUnits(_q: Queryable, userId: number, sku: number, count: number): Promise<AddedUnits> {
    const cart = this.cart(userId);
    const unitsOfSku = cart.get(sku) ?? 0;
    const refusal = refusalToAdd({ unitsOfSku, distinctSkus: cart.size }, count);
    if (refusal) return Promise.resolve({ refusal, unitsOfSku });
    cart.set(sku, unitsOfSku + count);
    return Promise.resolve({ count: unitsOfSku + count });
  }
  removeUnits(_q: Queryable, userId: number, sku: number, count: number) {
    const cart = this.cart(userId);
    const next = (cart.get(sku) ?? 0) - count;
    if (next > 0) cart.set(sku, next);
    else cart.delete(sku);
    return Promise.resolve();
  }
  listItems(_q: Queryable, userId: number) {
    return Promise.resolve([...this.cart(userId)].map(([sku, count]) => ({ sku, count })).sort((a, b) => a.sku - b.sku));
  }
  async snapshot(q: Queryable, userId: number) {
    return { generation: this.generations.get(userId) ?? 0, items: await this.listItems(q, userId) };
  }
  shape(_q: Queryable, userId: number, sku: number) {
    return Promise.resolve({ unitsOfSku: this.cart(userId).get(sku) ?? 0, distinctSkus: this.cart(userId).size });
  }
  clear(_q: Queryable, userId: number) {
    this.cart(userId).clear();
    return Promise.resolve();
  }
  bumpGeneration(_q: Queryable, userId: number) {
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
    return Promise.resolve();
  }
}

export class InMemoryPurchases implements PurchaseStore {
  readonly byKey = new Map<string, number>();
  constructor(private readonly carts: InMemoryCarts) {}
  findOrderId(_q: Queryable, userId: number, key: string) {
    return Promise.resolve(this.byKey.get(`${userId}/${key}`));
  }
  async recordEmptyingCart(q: Queryable, userId: number, key: string, orderId: number, bought: readonly CartItem[]) {
    if (this.byKey.has(`${userId}/${key}`)) return false;
    this.byKey.set(`${userId}/${key}`, orderId);
    for (const i of bought) await this.carts.removeUnits(q, userId, i.sku, i.count);
    await this.carts.bumpGeneration(q, userId);
    return true;
  }
}

export class FakeCatalogue implements ProductCatalogue {
  calls = 0;
  constructor(private readonly products: Product[]) {}
  getProduct(sku: number) {
    this.calls += 1;
    const found = this.products.find((p) => p.sku === sku);
    return found ? Promise.resolve(found) : Promise.reject(new ProductNotFoundError(sku));
  }
}

/** LOMS with idempotent CreateOrder by (user, key); `failNext` makes the next CreateOrder throw. */
export class FakeLoms implements Loms {
  readonly stock = new Map<number, number>();
  readonly orders: Array<{ orderId: number; userId: number; items: CartItem[]; idempotencyKey: string }> = [];
  failNext: Error | undefined;

  availableStock(sku: number) {
    return Promise.resolve(this.stock.get(sku) ?? 0);
  }
  createOrder(order: { userId: number; items: CartItem[]; idempotencyKey: string }) {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      return Promise.reject(err);
    }
    const existing = this.orders.find((o) => o.userId === order.userId && o.idempotencyKey === order.idempotencyKey);
    if (existing) return Promise.resolve({ orderId: existing.orderId });
    const orderId = this.orders.length + 1;
    this.orders.push({ orderId, ...order, items: [...order.items] });
    return Promise.resolve({ orderId });
  }
}
