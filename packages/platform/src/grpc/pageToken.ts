// Opaque page tokens of every list method: where the last page ended (whole numbers: an id, or a time and a
// sequence number), bound to the list it was issued for by a scope (ListOrders: the user; ListStockMovements: the sku
// and warehouse). A token is `o1:<scope>:<n>[:<n>…]` in base64url.
import { InvalidArgumentError } from './invalidArgument';

export function encodePageToken(scope: string, position: readonly number[]): string {
  return Buffer.from(`o1:${scope}:${position.join(':')}`).toString('base64url');
}

/**
 * The position held by a token issued for `scope`: as many numbers as `maxima` has, each between 1 and its maximum;
 * undefined for an empty token. Any other token is refused with INVALID_ARGUMENT naming `page_token`.
 */
export function decodePageToken(scope: string, token: string, maxima: readonly number[] = [Number.MAX_SAFE_INTEGER]): number[] | undefined {
  if (token === '') return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const prefix = `o1:${scope}:`;
  const parts = text.startsWith(prefix) ? text.slice(prefix.length).split(':') : [];
  // Numbers past the safe integers would round, and overflow bigint in the query.
  const position = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  const issued = position.length === maxima.length && position.every((n, i) => Number.isSafeInteger(n) && n > 0 && n <= (maxima[i] ?? 0));
  if (!issued) throw new InvalidArgumentError([{ field: 'page_token', description: 'is not a token this server issued for this list' }]);
  return position;
}
