// loms.v1.LomsService: each method validates, calls one use case and maps the result.
import { RequestChecks, unaryHandler, type Logger } from '@shop/platform';
import type { loms } from '@shop/proto';
import type { LomsDeps } from '../../app/ports';
import { createOrder } from '../../app/createOrder';
import { getOrder } from '../../app/getOrder';
import { listOrders } from '../../app/listOrders';
import { payOrder } from '../../app/payOrder';
import { cancelOrder } from '../../app/cancelOrder';
import { getStocks } from '../../app/getStocks';
import { checkCreateOrder, checkOrderId, checkPageSize, checkSku } from './validate';
import { decodePageToken, encodePageToken } from './pageToken';
import { orderStatusToProto, orderToProto } from './toProto';
import { toGrpcError } from './toGrpcError';

const defaultPageSize = 50;

export function lomsService(deps: LomsDeps, logger: Logger): loms.LomsServiceServer {
  const unary = <Req, Res>(method: string, handle: (req: Req) => Promise<Res>) =>
    unaryHandler<Req, Res>(method, handle, toGrpcError, logger);

  return {
    createOrder: unary('CreateOrder', async (req: loms.CreateOrderRequest): Promise<loms.CreateOrderResponse> => {
      checkCreateOrder(req);
      const result = await createOrder(deps, { userId: req.userId, items: req.items, idempotencyKey: req.idempotencyKey });
      return { orderId: result.orderId, status: orderStatusToProto(result.status), paymentDeadline: result.paymentDeadline };
    }),

    getOrder: unary('GetOrder', async (req: loms.GetOrderRequest): Promise<loms.GetOrderResponse> => {
      checkOrderId(req.orderId);
      return { order: orderToProto(await getOrder(deps, req.orderId)) };
    }),

    listOrders: unary('ListOrders', async (req: loms.ListOrdersRequest): Promise<loms.ListOrdersResponse> => {
      checkPageSize(new RequestChecks().positive('user_id', req.userId), req.pageSize).throwIfAny();
      const beforeOrderId = decodePageToken(String(req.userId), req.pageToken);
      const page = await listOrders(deps, { userId: req.userId, pageSize: req.pageSize || defaultPageSize, beforeOrderId });
      return {
        orders: page.orders.map(orderToProto),
        nextPageToken: page.nextBeforeOrderId === undefined ? '' : encodePageToken(String(req.userId), page.nextBeforeOrderId),
      };
    }),

    orderPayed: unary('OrderPayed', async (req: loms.OrderPayedRequest): Promise<loms.OrderPayedResponse> => {
      checkOrderId(req.orderId);
      await payOrder(deps, req.orderId);
      return {};
    }),

    cancelOrder: unary('CancelOrder', async (req: loms.CancelOrderRequest): Promise<loms.CancelOrderResponse> => {
      checkOrderId(req.orderId);
      await cancelOrder(deps, req.orderId);
      return {};
    }),

    stocks: unary('Stocks', async (req: loms.StocksRequest): Promise<loms.StocksResponse> => {
      checkSku(req.sku);
      const stock = await getStocks(deps, req.sku);
      return {
        available: stock.available,
        warehouses: stock.warehouses.map((w) => ({
          warehouseId: w.warehouseId,
          total: w.total,
          reserved: w.reserved,
          available: w.available,
        })),
      };
    }),
  };
}
