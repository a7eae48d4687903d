// Opaque page tokens of LOMS lists: the last id of a page, bound to the list it was issued for (a scope such
// as the user of ListOrders, or the sku and warehouse of ListStockMovements). ListOrders' tokens read `o1:<user>:<id>`.
import { InvalidArgumentError } from '@shop/platform';

export function encodePageToken(scope: string, beforeId: number): string {
  return Buffer.from(`o1:${scope}:${beforeId}`).toString('base64url');
}

export function decodePageToken(scope: string, token: string): number | undefined {
  if (token === '') return undefined;
  const match = /^o1:(.+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const beforeId = Number(match?.[2]);
  // Ids we issue are safe integers; a larger one would round, and overflow bigint in the query.
  if (!match || match[1] !== scope || !Number.isSafeInteger(beforeId) || beforeId <= 0)
    throw new InvalidArgumentError([{ field: 'page_token', description: 'is not a token this server issued for this list' }]);
  return beforeId;
}
