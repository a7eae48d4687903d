import { beforeEach, describe, expect, it } from 'vitest';
import { FakeLoms, InMemoryCarts, InMemoryPurchases, fakeDb } from '../../test/fakes/inMemoryCheckout';
import { DependencyTimeoutError, EmptyCartError, OrderRejectedError } from '../domain/errors';
import { purchase, type PurchaseDeps } from './purchase';

let deps: PurchaseDeps & { carts: InMemoryCarts; loms: FakeLoms; purchases: InMemoryPurchases };
const add = (userId: number, sku: number, count: number) => deps.carts.addUnits(fakeDb.pool, userId, sku, count);
const cartOf = (userId: number) => deps.carts.listItems(fakeDb.pool, userId);

beforeEach(() => {
  const carts = new InMemoryCarts();
  deps = { db: fakeDb, carts, purchases: new InMemoryPurchases(carts), loms: new FakeLoms() };
});

describe('purchase', () => {
  it('turns the cart into one order, passes the key on, and clears the cart', async () => {
    await add(1, 10, 2);
    await add(1, 20, 1);
    const { orderId } = await purchase(deps, { userId: 1, idempotencyKey: 'k1' });
    expect(deps.loms.orders).toEqual([
      {
        orderId,
        userId: 1,
        idempotencyKey: 'k1',
        items: [
          { sku: 10, count: 2 },
          { sku: 20, count: 1 },
        ],
      },
    ]);
    expect(await cartOf(1)).toEqual([]);
  });

  it('answers the same order for a used key before looking at the cart, which is now empty', async () => {
    await add(1, 10, 2);
    const first = await purchase(deps, { userId: 1, idempotencyKey: 'k1' });
    await expect(purchase(deps, { userId: 1, idempotencyKey: 'k1' })).resolves.toEqual(first);
    expect(deps.loms.orders).toHaveLength(1);
  });

  it('refuses an empty cart', async () => {
    await expect(purchase(deps, { userId: 1, idempotencyKey: '' })).rejects.toBeInstanceOf(EmptyCartError);
    expect(deps.loms.orders).toHaveLength(0);
  });

  it('keeps the cart as it was when LOMS refuses the order', async () => {
    await add(1, 10, 2);
    deps.loms.failNext = new OrderRejectedError('not enough stock', 7, [{ sku: 10, requested: 2, available: 0 }], 1);
    await expect(purchase(deps, { userId: 1, idempotencyKey: 'k1' })).rejects.toBeInstanceOf(OrderRejectedError);
    expect(await cartOf(1)).toEqual([{ sku: 10, count: 2 }]);
    expect(deps.purchases.byKey.size).toBe(0);
  });

  it('without a key, a retry after a lost LOMS answer sends the same derived key, so LOMS makes no second order', async () => {
    await add(1, 10, 2);
    const sent: string[] = [];
    const createOrder = deps.loms.createOrder.bind(deps.loms);
    deps.loms.createOrder = async (order) => {
      sent.push(order.idempotencyKey);
      const made = await createOrder(order);
      if (sent.length === 1) throw new DependencyTimeoutError('loms');
      return made;
    };
    await expect(purchase(deps, { userId: 1, idempotencyKey: '' })).rejects.toBeInstanceOf(DependencyTimeoutError);
    expect(await cartOf(1)).toEqual([{ sku: 10, count: 2 }]);
    const { orderId } = await purchase(deps, { userId: 1, idempotencyKey: '' });
    expect(sent[0]).toBe(sent[1]);
    expect(deps.loms.orders.map((o) => o.orderId)).toEqual([orderId]);
  });

  it('without a key, buying the same contents again after a purchase makes a new order', async () => {
    await add(1, 10, 2);
    const first = await purchase(deps, { userId: 1, idempotencyKey: '' });
    await add(1, 10, 2);
    const second = await purchase(deps, { userId: 1, idempotencyKey: '' });
    expect(second.orderId).not.toBe(first.orderId);
  });

  it('without a key, tries again with a fresh key after LOMS refused the same cart', async () => {
    await add(1, 10, 2);
    const sent: string[] = [];
    const createOrder = deps.loms.createOrder.bind(deps.loms);
    deps.loms.createOrder = (order) => {
      sent.push(order.idempotencyKey);
      return createOrder(order);
    };
    deps.loms.failNext = new OrderRejectedError('not enough stock', 7, [{ sku: 10, requested: 2, available: 0 }], 1);
    await expect(purchase(deps, { userId: 1, idempotencyKey: '' })).rejects.toBeInstanceOf(OrderRejectedError);
    await purchase(deps, { userId: 1, idempotencyKey: '' });
    expect(sent[0]).not.toBe(sent[1]);
  });

  it('keeps units added to the cart while the order was being made', async () => {
    await add(1, 10, 2);
    const createOrder = deps.loms.createOrder.bind(deps.loms);
    deps.loms.createOrder = async (order) => {
      await add(1, 10, 3);
      await add(1, 30, 1);
      return createOrder(order);
    };
    await purchase(deps, { userId: 1, idempotencyKey: 'k' });
    expect(await cartOf(1)).toEqual([
      { sku: 10, count: 3 },
      { sku: 30, count: 1 },
    ]);
  });
});
