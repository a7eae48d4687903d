// ListNotifications: a user's history, newest first, paged with an opaque token.
import type * as grpc from '@grpc/grpc-js';
import { assertActsForUser } from '@shop/platform';
import { loms, type notifications } from '@shop/proto';
import { listNotifications, type ListNotificationsDeps } from '../../app/listNotifications';
import type { StoredNotification } from '../../app/ports';
import { encodePageToken } from './pageToken';
import { validateListNotifications } from './validate';

export function handleListNotifications(deps: ListNotificationsDeps) {
  return async (
    request: notifications.ListNotificationsRequest,
    call: grpc.ServerUnaryCall<notifications.ListNotificationsRequest, notifications.ListNotificationsResponse>,
  ): Promise<notifications.ListNotificationsResponse> => {
    const input = validateListNotifications(request);
    assertActsForUser(call, input.userId);
    const page = await listNotifications(deps, input);
    return {
      notifications: page.notifications.map(toMessage),
      nextPageToken: page.next ? encodePageToken(input.userId, page.next) : '',
    };
  };
}

function toMessage(n: StoredNotification): notifications.Notification {
  return {
    eventId: n.eventId,
    orderId: n.orderId,
    status: loms.orderStatusFromJSON(`ORDER_STATUS_${n.status}`),
    message: n.message,
    createdAt: n.createdAt,
    deliveredAt: n.deliveredAt ?? undefined,
  };
}
