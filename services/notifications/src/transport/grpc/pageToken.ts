// The opaque page token of ListNotifications: where the last page ended, bound to the user it was issued for.
import type { PageCursor } from '../../app/notificationsStore';

interface TokenBody {
  u: number;
  t: number;
  s: number;
}

export function encodePageToken(userId: number, cursor: PageCursor): string {
  const body: TokenBody = { u: userId, t: cursor.createdAt.getTime(), s: cursor.seq };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Undefined when the token is not one this server issued for this user. */
export function decodePageToken(userId: number, token: string): PageCursor | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { u, t, s } = body as Partial<Record<keyof TokenBody, unknown>>;
  if (u !== userId || !isWholeNumber(t) || t > maxDateMs || !isWholeNumber(s)) return undefined;
  return { createdAt: new Date(t), seq: s };
}

/** The latest time a JavaScript Date holds. */
const maxDateMs = 8.64e15;

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
