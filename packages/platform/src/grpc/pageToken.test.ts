import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './invalidArgument';
import { decodePageToken, encodePageToken } from './pageToken';

/** LOMS' decoder before the codec moved here: what the tokens already issued were read by. */
function decodeAsLomsDid(scope: string, token: string): number | undefined | 'refused' {
  if (token === '') return undefined;
  const match = /^o1:(.+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const beforeId = Number(match?.[2]);
  if (!match || match[1] !== scope || !Number.isSafeInteger(beforeId) || beforeId <= 0) return 'refused';
  return beforeId;
}

function decodeOrRefused(scope: string, token: string, maxima?: number[]): number[] | undefined | 'refused' {
  try {
    return decodePageToken(scope, token, maxima);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    expect(err.violations.map((v) => v.field)).toEqual(['page_token']);
    return 'refused';
  }
}

const scopes = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 40 }).map(String),
  fc.tuple(fc.integer({ min: 1 }), fc.nat()).map(([sku, warehouse]) => `m${sku}:${warehouse}`),
);
const ids = fc.oneof(fc.integer({ min: 1 }), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1));
/** Texts near the real ones: pieces of tokens, digits and separators, glued in any order. */
const nearTokenTexts = fc
  .array(fc.oneof(fc.constantFrom('o1', ':', 'm', '0', '-', '\n', '1e3', '{"u":1}'), fc.nat().map(String), fc.string({ maxLength: 3 })), {
    maxLength: 8,
  })
  .map((pieces) => pieces.join(''));
const tokens = fc.oneof(
  nearTokenTexts.map((text) => Buffer.from(text).toString('base64url')),
  fc.string({ maxLength: 24 }),
  fc.tuple(scopes, ids).map(([scope, id]) => Buffer.from(`o1:${scope}:${id}`).toString('base64url')),
);

describe('page tokens', () => {
  it('gives back the position it was issued with, for the scope it was issued for', () => {
    fc.assert(
      fc.property(scopes, fc.array(fc.integer({ min: 1 }), { minLength: 1, maxLength: 3 }), (scope, position) => {
        const maxima = position.map(() => Number.MAX_SAFE_INTEGER);
        expect(decodePageToken(scope, encodePageToken(scope, position), maxima)).toEqual(position);
      }),
    );
  });

  it('reads every token exactly as LOMS read its own before: the same position, or refused alike', () => {
    const forScope = (scope: string) =>
      fc.oneof(
        ids.map((id) => encodePageToken(scope, [id])),
        fc
          .tuple(nearTokenTexts, nearTokenTexts)
          .map(([before, after]) => Buffer.from(`${before}o1:${scope}:${after}`).toString('base64url')),
        tokens,
      );
    fc.assert(
      fc.property(
        scopes.chain((scope) => fc.tuple(fc.constant(scope), forScope(scope))),
        ([scope, token]) => {
          const before = decodeAsLomsDid(scope, token);
          expect(decodeOrRefused(scope, token)).toEqual(typeof before === 'number' ? [before] : before);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('refuses a token of another scope, of another length, or past a maximum, naming page_token', () => {
    const token = encodePageToken('7', [1_700_000_000_000, 42]);
    expect(decodeOrRefused('7', token, [8.64e15, Number.MAX_SAFE_INTEGER])).toEqual([1_700_000_000_000, 42]);
    expect(decodeOrRefused('8', token, [8.64e15, Number.MAX_SAFE_INTEGER])).toBe('refused');
    expect(decodeOrRefused('7', token)).toBe('refused');
    expect(decodeOrRefused('7', token, [1_000, Number.MAX_SAFE_INTEGER])).toBe('refused');
    expect(decodeOrRefused('7', encodePageToken('7', [0, 42]), [8.64e15, Number.MAX_SAFE_INTEGER])).toBe('refused');
    expect(decodeOrRefused('7', '')).toBeUndefined();
  });
});
