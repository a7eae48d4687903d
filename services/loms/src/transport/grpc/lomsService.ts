// loms.v1.LomsService: each method's handler (one a file) behind the shared error mapping.
import { boundUnaryHandler, type Logger } from '@shop/platform';
import type { loms } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { handleCancelOrder } from './cancelOrder';
import { handleCreateOrder } from './createOrder';
import { handleGetOrder } from './getOrder';
import { handleListOrders } from './listOrders';
import { handleOrderPayed } from './orderPayed';
import { handleStocks } from './stocks';
import { toGrpcError } from './toGrpcError';

export function lomsService(deps: LomsDeps, logger: Logger): loms.LomsServiceServer {
  const handler = boundUnaryHandler(toGrpcError, logger);
  return {
    createOrder: handler('CreateOrder', handleCreateOrder(deps)),
    getOrder: handler('GetOrder', handleGetOrder(deps)),
    listOrders: handler('ListOrders', handleListOrders(deps)),
    orderPayed: handler('OrderPayed', handleOrderPayed(deps)),
    cancelOrder: handler('CancelOrder', handleCancelOrder(deps)),
    stocks: handler('Stocks', handleStocks(deps)),
  };
}
