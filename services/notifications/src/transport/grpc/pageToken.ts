// The page token of ListNotifications: the platform's codec, scoped to the user, holding where the last page ended.
import { decodePageToken as decodeToken, encodePageToken as encodeToken } from '@shop/platform';
import type { PageCursor } from '../../app/ports';

/** The latest time a JavaScript Date holds. */
const maxDateMs = 8.64e15;

export function encodePageToken(userId: number, cursor: PageCursor): string {
  return encodeToken(String(userId), [cursor.createdAt.getTime(), cursor.seq]);
}

/** Undefined for an empty token; a token not issued for this user is refused (INVALID_ARGUMENT, page_token). */
export function decodePageToken(userId: number, token: string): PageCursor | undefined {
  const [createdAtMs, seq] = readJsonToken(userId, token) ?? decodeToken(String(userId), token, [maxDateMs, Number.MAX_SAFE_INTEGER]) ?? [];
  return createdAtMs === undefined || seq === undefined ? undefined : { createdAt: new Date(createdAtMs), seq };
}

/**
 * Tokens issued before the shared codec, base64url of `{"u":<user>,"t":<ms>,"s":<seq>}`, which a client may still
 * hold (they do not expire): read as they were then, so that paging on across the upgrade goes on where it was.
 */
function readJsonToken(userId: number, token: string): number[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { u, t, s } = body as Partial<Record<'u' | 't' | 's', unknown>>;
  return u === userId && isWholeNumber(t) && t <= maxDateMs && isWholeNumber(s) ? [t, s] : undefined;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
