// checkout.v1.CheckoutService: each method's handler behind the shared error mapping.
import { unaryHandler, type Logger } from '@shop/platform';
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
  return {
    addToCart: unaryHandler('AddToCart', handleAddToCart(deps), toGrpcError, logger),
    deleteFromCart: unaryHandler('DeleteFromCart', handleDeleteFromCart(deps), toGrpcError, logger),
    listCart: unaryHandler('ListCart', handleListCart(deps), toGrpcError, logger),
    clearCart: unaryHandler('ClearCart', handleClearCart(deps), toGrpcError, logger),
    purchase: unaryHandler('Purchase', handlePurchase(deps), toGrpcError, logger),
  };
}
