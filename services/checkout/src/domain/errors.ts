// Checkout's domain errors; each has a stable code that transport/grpc/toGrpcError maps to a status.
export class ProductNotFoundError extends Error {
  readonly code = 'PRODUCT_NOT_FOUND';
  constructor(readonly sku: number) {
    super(`product ${sku} not found`);
    this.name = 'ProductNotFoundError';
  }
}

export class InsufficientStockError extends Error {
  readonly code = 'INSUFFICIENT_STOCK';
  constructor(
    readonly sku: number,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`not enough stock for sku ${sku}: requested ${requested}, available ${available}`);
    this.name = 'InsufficientStockError';
  }
}

export class CartItemLimitError extends Error {
  readonly code = 'CART_ITEM_LIMIT';
  constructor(
    readonly sku: number,
    readonly requested: number,
    readonly limit: number,
  ) {
    super(`sku ${sku}: a cart holds at most ${limit} units of one SKU, requested ${requested}`);
    this.name = 'CartItemLimitError';
  }
}

export class CartFullError extends Error {
  readonly code = 'CART_FULL';
  constructor(readonly limit: number) {
    super(`a cart holds at most ${limit} distinct SKUs`);
    this.name = 'CartFullError';
  }
}

export class EmptyCartError extends Error {
  readonly code = 'EMPTY_CART';
  constructor(readonly userId: number) {
    super('the cart is empty');
    this.name = 'EmptyCartError';
  }
}

/** A SKU of an order that LOMS could not reserve in full. */
export interface StockShortage {
  sku: number;
  requested: number;
  available: number;
}

/**
 * LOMS refused the order for lack of stock. The message is LOMS' own; `shortages` are the short SKUs LOMS
 * listed (it lists only the first few), `shortagesTotal` how many SKUs were short in all.
 */
export class OrderRejectedError extends Error {
  readonly code = 'ORDER_REJECTED';
  constructor(
    message: string,
    readonly orderId: number,
    readonly shortages: readonly StockShortage[],
    readonly shortagesTotal: number,
  ) {
    super(message);
    this.name = 'OrderRejectedError';
  }
}

/** The idempotency key was already used by LOMS for a different list of items. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('idempotency_key was already used for a different cart');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class DependencyUnavailableError extends Error {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} unavailable: ${reason}`);
    this.name = 'DependencyUnavailableError';
  }
}

export class DependencyTimeoutError extends Error {
  readonly code = 'DEPENDENCY_TIMEOUT';
  constructor(readonly dependency: string) {
    super(`${dependency} did not answer in time`);
    this.name = 'DependencyTimeoutError';
  }
}

/** A dependency answered what its contract does not allow for the request we sent: a fault, not the caller's. */
export class DependencyContractError extends Error {
  readonly code = 'DEPENDENCY_CONTRACT';
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} answered unexpectedly: ${reason}`);
    this.name = 'DependencyContractError';
  }
}
