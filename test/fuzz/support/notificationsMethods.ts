// NotificationsService as the fuzz sees it: ListNotifications' request shape, hostile values for its fields,
// the codes docs/api.md documents for it (called with an admin shopper token) and its input bounds.
import { notifications } from '@shop/proto';
import type { FuzzedMethod } from './contract';
import { userPageMethod } from './userPageMethod';

export const notificationsMethods = (): FuzzedMethod[] => [
  userPageMethod('/notifications.v1.NotificationsService/ListNotifications', (b) => notifications.ListNotificationsRequest.decode(b)),
];
