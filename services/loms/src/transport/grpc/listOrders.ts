import { decodePageToken, encodePageToken, RequestChecks } from '@shop/platform';
import type { loms } from '@shop/proto';
import { listOrders } from '../../app/listOrders';
import type { LomsDeps } from '../../app/ports';
import { orderToProto } from './toProto';
import { checkPageSize, defaultPageSize } from './validate';

export function handleListOrders(deps: LomsDeps) {
  return async (request: loms.ListOrdersRequest): Promise<loms.ListOrdersResponse> => {
    checkPageSize(new RequestChecks().positive('user_id', request.userId), request.pageSize).throwIfAny();
    const scope = String(request.userId);
    const [beforeOrderId] = decodePageToken(scope, request.pageToken) ?? [];
    const page = await listOrders(deps, { userId: request.userId, pageSize: request.pageSize || defaultPageSize, beforeOrderId });
    return {
      orders: page.orders.map(orderToProto),
      nextPageToken: page.nextBeforeOrderId === undefined ? '' : encodePageToken(scope, [page.nextBeforeOrderId]),
    };
  };
}
