// NotificationsService as the fuzz sees it: ListNotifications' request shape, hostile values for its fields,
// the codes docs/api.md documents for it (called with an admin shopper token) and its input bounds.
import fc from 'fast-check';
import { notifications } from '@shop/proto';
import { anyCallCodes, type FuzzedMethod } from './contract';
import { hostileInt32, hostilePageToken, safeInt64 } from './hostileValues';
import { schemas } from './requestSchema';

export const notificationsMethods = (): FuzzedMethod[] => [
  {
    path: '/notifications.v1.NotificationsService/ListNotifications',
    schema: schemas.userPage,
    decode: (b) => notifications.ListNotificationsRequest.decode(b),
    allowed: anyCallCodes,
    request: safeInt64().chain((userId) =>
      fc.record({ user_id: fc.constant(userId), page_size: hostileInt32(), page_token: hostilePageToken(userId) }),
    ),
    bounds: { user_id: { kind: 'positive' }, page_size: { kind: 'between', min: 0, max: 1000 } },
  },
];
