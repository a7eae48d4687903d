// Input bounds of ListNotifications (docs/api.md) → INVALID_ARGUMENT naming the field, checked before any lookup.
import { RequestChecks } from '@shop/platform';
import type { notifications } from '@shop/proto';
import type { ListNotificationsInput } from '../../app/listNotifications';
import { decodePageToken } from './pageToken';

export const defaultPageSize = 50;
export const maxPageSize = 1000;

export function validateListNotifications(request: notifications.ListNotificationsRequest): ListNotificationsInput {
  const checks = new RequestChecks().positive('user_id', request.userId).between('page_size', request.pageSize, 0, maxPageSize);
  const after = request.pageToken === '' || request.userId <= 0 ? undefined : decodePageToken(request.userId, request.pageToken);
  if (request.pageToken !== '' && after === undefined && request.userId > 0)
    checks.fail('page_token', 'is not a page token issued by this server for this user');
  checks.throwIfAny();
  return { userId: request.userId, pageSize: request.pageSize === 0 ? defaultPageSize : request.pageSize, after };
}
