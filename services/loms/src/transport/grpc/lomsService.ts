// loms.v1.LomsService: each method's handler (one a file) behind the shared error mapping.
import { unaryHandler, type Logger } from '@shop/platform';
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
  return {
    createOrder: unaryHandler('CreateOrder', handleCreateOrder(deps), toGrpcError, logger),
    getOrder: unaryHandler('GetOrder', handleGetOrder(deps), toGrpcError, logger),
    listOrders: unaryHandler('ListOrders', handleListOrders(deps), toGrpcError, logger),
    orderPayed: unaryHandler('OrderPayed', handleOrderPayed(deps), toGrpcError, logger),
    cancelOrder: unaryHandler('CancelOrder', handleCancelOrder(deps), toGrpcError, logger),
    stocks: unaryHandler('Stocks', handleStocks(deps), toGrpcError, logger),
  };
}
