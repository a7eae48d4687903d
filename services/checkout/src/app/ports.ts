// What the use cases need from storage and from other services; adapters live in storage/ and clients/.
import type { Queryable } from '@shop/platform';
import type { AddRefusal, CartItem } from '../domain/cart';

export type { Queryable };

export interface Db {
  /** Every Checkout write is one statement (or one function call), so none needs a transaction of its own. */
  pool: Queryable;
}

/** What an add did: the line's new count, or the bound it would have passed and the units the line held. */
export type AddedUnits = { count: number; refusal?: undefined } | { refusal: AddRefusal; unitsOfSku: number };

/** A cart as one snapshot: its contents and the generation they belong to. */
export interface CartSnapshot {
  generation: number;
  items: CartItem[];
}

export interface CartShape {
  unitsOfSku: number;
  distinctSkus: number;
}

export interface CartStore {
  /**
   * Adds `count` units unless the cart rules (domain/cart) refuse them, deciding under the cart's lock in one
   * call, so that concurrent adds to one cart see each other.
   */
  addUnits(q: Queryable, userId: number, sku: number, count: number): Promise<AddedUnits>;
  /** Removes up to `count` units; the line goes when it reaches 0. */
  removeUnits(q: Queryable, userId: number, sku: number, count: number): Promise<void>;
  listItems(q: Queryable, userId: number): Promise<CartItem[]>;
  /** Items and generation read in one statement, so both belong to the same state of the cart. */
  snapshot(q: Queryable, userId: number): Promise<CartSnapshot>;
  /** The units of `sku` in the cart and its number of lines, read together. */
  shape(q: Queryable, userId: number, sku: number): Promise<CartShape>;
  clear(q: Queryable, userId: number): Promise<void>;
  bumpGeneration(q: Queryable, userId: number): Promise<void>;
}

export interface PurchaseStore {
  findOrderId(q: Queryable, userId: number, idempotencyKey: string): Promise<number | undefined>;
  /**
   * Atomically: records key → order, removes what was bought from the cart (leaving units added since then)
   * and bumps the cart's generation. False, with nothing changed, when the key was already recorded.
   */
  recordEmptyingCart(q: Queryable, userId: number, idempotencyKey: string, orderId: number, bought: readonly CartItem[]): Promise<boolean>;
}

export interface Product {
  sku: number;
  name: string;
  priceMinorUnits: number;
}

export interface ProductCatalogue {
  /** Throws ProductNotFoundError for an unknown SKU. */
  getProduct(sku: number): Promise<Product>;
}

export interface Loms {
  availableStock(sku: number): Promise<number>;
  /** Throws OrderRejectedError when LOMS refuses the order for lack of stock, IdempotencyKeyReusedError for a key used for other items. */
  createOrder(order: { userId: number; items: CartItem[]; idempotencyKey: string }): Promise<{ orderId: number }>;
}
