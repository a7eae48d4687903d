// Input bounds of ListNotifications (docs/api.md) → INVALID_ARGUMENT naming the field, checked before any lookup.
import { RequestChecks } from '@shop/platform';
import type { notifications } from '@shop/proto';
import type { ListNotificationsInput } from '../../app/listNotifications';
import { decodePageToken } from './pageToken';

export const maxPageSize = 1000;
export const defaultPageSize = 50;

export function validateListNotifications(request: notifications.ListNotificationsRequest): ListNotificationsInput {
  new RequestChecks().positive('user_id', request.userId).between('page_size', request.pageSize, 0, maxPageSize).throwIfAny();
  const after = decodePageToken(request.userId, request.pageToken);
  return { userId: request.userId, pageSize: request.pageSize === 0 ? defaultPageSize : request.pageSize, after };
}
