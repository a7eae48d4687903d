// Opaque page tokens for ListOrders: the last order id of a page, bound to the user it was issued for.
import { InvalidArgumentError } from '@shop/platform';

const prefix = 'o1:';

export function encodePageToken(userId: number, beforeOrderId: number): string {
  return Buffer.from(`${prefix}${userId}:${beforeOrderId}`).toString('base64url');
}

export function decodePageToken(userId: number, token: string): number | undefined {
  if (token === '') return undefined;
  const match = /^o1:(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const beforeOrderId = Number(match?.[2]);
  // Ids we issue are safe integers; a larger one would round, and overflow bigint in the query.
  if (!match || Number(match[1]) !== userId || !Number.isSafeInteger(beforeOrderId) || beforeOrderId <= 0)
    throw new InvalidArgumentError([{ field: 'page_token', description: 'is not a token this server issued for this user' }]);
  return beforeOrderId;
}
