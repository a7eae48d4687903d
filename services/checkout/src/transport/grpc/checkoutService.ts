// checkout.v1.CheckoutService: each method's handler behind the shared error mapping.
import { boundUnaryHandler, type Logger } from '@shop/platform';
import type { checkout } from '@shop/proto';
import type { CartStore, Db, Loms, ProductCatalogue, PurchaseStore } from '../../app/ports';
import { handleAddToCart } from './addToCart';
import { handleClearCart } from './clearCart';
import { handleDeleteFromCart } from './deleteFromCart';
import { handleListCart } from './listCart';
import { handlePurchase } from './purchase';
import { toGrpcError } from './toGrpcError';

export interface CheckoutDeps {
  db: Db;
  carts: CartStore;
  purchases: PurchaseStore;
  products: ProductCatalogue;
  loms: Loms;
}

export function checkoutServiceImplementation(deps: CheckoutDeps, logger: Logger): checkout.CheckoutServiceServer {
  const handler = boundUnaryHandler(toGrpcError, logger);
  return {
    addToCart: handler('AddToCart', handleAddToCart(deps)),
    deleteFromCart: handler('DeleteFromCart', handleDeleteFromCart(deps)),
    listCart: handler('ListCart', handleListCart(deps)),
    clearCart: handler('ClearCart', handleClearCart(deps)),
    purchase: handler('Purchase', handlePurchase(deps)),
  };
}
