import { InvalidArgumentError } from '@shop/platform';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PageCursor } from '../../app/ports';
import { decodePageToken, encodePageToken } from './pageToken';

/** How ListNotifications wrote and read its tokens before the shared codec (undefined: refused). */
const encodeAsBefore = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
function decodeAsBefore(userId: number, token: string): PageCursor | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { u, t, s } = body as Partial<Record<'u' | 't' | 's', unknown>>;
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (u !== userId || !whole(t) || t > 8.64e15 || !whole(s)) return undefined;
  return { createdAt: new Date(t), seq: s };
}

function decodeOrRefused(userId: number, token: string): PageCursor | 'refused' | undefined {
  try {
    return decodePageToken(userId, token);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    expect(err.violations.map((v) => v.field)).toEqual(['page_token']);
    return 'refused';
  }
}

const users = fc.integer({ min: 1, max: 20 });
const numbers = fc.oneof(
  fc.constantFrom(0, 1, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER + 1, 1.5, -1),
  fc.integer({ min: 0 }),
  fc.integer(),
  fc.double(),
);
const values = fc.oneof(numbers, fc.string({ maxLength: 4 }), fc.constant(null));
/** Bodies near the ones issued (for the user asking, or not), and other texts. */
const jsonTokens = (userId: number) =>
  fc
    .record({ u: fc.oneof(fc.constant(userId), values), t: fc.oneof(numbers, values), s: fc.oneof(numbers, values) }, { requiredKeys: [] })
    .map(encodeAsBefore)
    .chain((token) => fc.oneof(fc.constant(token), fc.string({ maxLength: 30 }), fc.constant(token.slice(1))));

describe('ListNotifications page tokens', () => {
  it('reads the tokens issued before the shared codec as they were read then', () => {
    fc.assert(
      fc.property(
        users.chain((userId) => fc.tuple(fc.constant(userId), jsonTokens(userId))),
        ([userId, token]) => {
          fc.pre(token !== '');
          expect(decodeOrRefused(userId, token)).toEqual(decodeAsBefore(userId, token) ?? 'refused');
        },
      ),
      { numRuns: 3_000 },
    );
    const issuedBefore = encodeAsBefore({ u: 7, t: 1_767_225_600_123, s: 42 });
    expect(decodePageToken(7, issuedBefore)).toEqual({ createdAt: new Date(1_767_225_600_123), seq: 42 });
  });

  it('gives back the cursor it was issued with, for its user only', () => {
    fc.assert(
      fc.property(users, fc.date({ min: new Date(1), noInvalidDate: true }), fc.integer({ min: 1 }), (userId, createdAt, seq) => {
        const token = encodePageToken(userId, { createdAt, seq });
        expect(decodePageToken(userId, token)).toEqual({ createdAt, seq });
        expect(decodeOrRefused(userId + 1, token)).toBe('refused');
      }),
    );
    expect(decodePageToken(7, '')).toBeUndefined();
  });
});
