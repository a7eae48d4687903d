// ListNotifications: a user's history, newest first, paged with an opaque token.
import { assertActsForUser, unaryHandler, type Logger } from '@shop/platform';
import { loms, type notifications } from '@shop/proto';
import { listNotifications, type ListNotificationsDeps } from '../../app/listNotifications';
import type { StoredNotification } from '../../app/ports';
import { encodePageToken } from './pageToken';
import { toGrpcError } from './toGrpcError';
import { validateListNotifications } from './validate';

export function listNotificationsHandler(deps: ListNotificationsDeps, logger: Logger) {
  return unaryHandler<notifications.ListNotificationsRequest, notifications.ListNotificationsResponse>(
    'ListNotifications',
    async (request, call) => {
      const input = validateListNotifications(request);
      assertActsForUser(call, input.userId);
      const page = await listNotifications(deps, input);
      return {
        notifications: page.notifications.map(toMessage),
        nextPageToken: page.next ? encodePageToken(input.userId, page.next) : '',
      };
    },
    toGrpcError,
    logger,
  );
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
