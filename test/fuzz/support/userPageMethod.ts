// A page of one user's records (LomsService.ListOrders, NotificationsService.ListNotifications) as the fuzz
// sees it: the same request shape, hostile values, documented codes and input bounds, whatever the records.
import fc from 'fast-check';
import { anyCallCodes, type FuzzedMethod } from './contract';
import { hostileInt32, hostilePageToken, safeInt64 } from './hostileValues';
import { schemas } from './requestSchema';

export const userPageMethod = (path: string, decode: (b: Uint8Array) => unknown): FuzzedMethod => ({
  path,
  schema: schemas.userPage,
  decode,
  allowed: anyCallCodes,
  request: safeInt64().chain((userId) =>
    fc.record({ user_id: fc.constant(userId), page_size: hostileInt32(), page_token: hostilePageToken(userId) }),
  ),
  bounds: { user_id: { kind: 'positive' }, page_size: { kind: 'between', min: 0, max: 1000 } },
});
