// The shopper-token checks of docs/api.md ("Security") under fuzzed `authorization` metadata: a refused token
// is UNAUTHENTICATED whatever the request bytes (the token is checked first); a valid one for another user
// is PERMISSION_DENIED once the bounds pass; nothing else changes what the method answers.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { authorizationSamples, metadataOf, type AuthorizationSample, type SignedSamples } from './authorizationValues';
import { describeRequest, expectBoundsEnforced, expectDocumentedOutcome, type FuzzedMethod } from './contract';
import type { FuzzTarget } from './fuzzProperties';
import { malformedRequest } from './malformedMessages';
import { encodeRequest, type MessageValue } from './requestSchema';

const { PERMISSION_DENIED, UNAUTHENTICATED } = grpc.status;

type Body = { bytes: Buffer; value?: MessageValue };

function bodies(method: FuzzedMethod, sample: AuthorizationSample): fc.Arbitrary<Body> {
  const wellFormed = method.request.map((value) => ({ bytes: encodeRequest(method.schema, value), value }));
  if (sample.validFor) return wellFormed;
  return fc.oneof(
    wellFormed,
    malformedRequest(method.schema, method.request).map((bytes) => ({ bytes })),
  );
}

export async function shopperAuthorization(target: FuzzTarget, signed: SignedSamples, numRuns: number): Promise<void> {
  const calls = fc
    .tuple(fc.constantFrom(...target.methods), authorizationSamples(signed))
    .chain(([method, sample]) => bodies(method, sample).map((body) => ({ path: method.path, sample, body })));
  await fc.assert(
    fc.asyncProperty(calls, async ({ path, sample, body }) => {
      const method = target.methods.find((m) => m.path === path) as FuzzedMethod;
      const outcome = await target.client.call(path, body.bytes, metadataOf(sample));
      const request = body.value ? describeRequest(body.value) : `bytes ${body.bytes.toString('hex').slice(0, 200)}`;
      const where = `${path} authorization ${JSON.stringify(sample.header?.slice(0, 120))} ${request} → ${grpc.status[outcome.code]} ${outcome.message}`;
      if (!sample.validFor) {
        expect(grpc.status[outcome.code], where).toBe('UNAUTHENTICATED');
        const missing = sample.header === undefined || sample.header === '';
        // HTTP/2 drops a header value with whitespace at either end: the server may see no token at all.
        const dropped = sample.header !== undefined && sample.header.trim() !== sample.header;
        const reason = missing ? /^TOKEN_MISSING$/ : dropped ? /^TOKEN_(MISSING|INVALID)$/ : /^TOKEN_(INVALID|EXPIRED)$/;
        expect(outcome.details, where).toContainEqual({
          kind: 'ErrorInfo',
          value: expect.objectContaining({ domain: 'auth', reason: expect.stringMatching(reason) }),
        });
        return;
      }
      const value = body.value as MessageValue;
      const asShopper = { ...method, allowed: [...method.allowed, PERMISSION_DENIED] };
      expectDocumentedOutcome(asShopper, outcome, where);
      expect(outcome.code, where).not.toBe(UNAUTHENTICATED);
      expectBoundsEnforced(method, value, outcome, request);
      // Bounds come before the user check: INVALID_ARGUMENT (a bad page token too) answers first.
      if (outcome.code === grpc.status.INVALID_ARGUMENT || sample.validFor.admin) return;
      const forOther = value.user_id !== BigInt(sample.validFor.userId);
      expect(grpc.status[outcome.code] === 'PERMISSION_DENIED', `PERMISSION_DENIED exactly when user_id is not the token's: ${where}`).toBe(
        forOther,
      );
      if (forOther)
        expect(outcome.details, where).toContainEqual({ kind: 'ErrorInfo', value: expect.objectContaining({ reason: 'USER_MISMATCH' }) });
    }),
    { numRuns },
  );
}

/** The shopper-token test of a service that demands one, over a target holding no credentials of its own. */
export function itRefusesTokensItCannotVerify(anonymous: () => FuzzTarget, signed: () => SignedSamples, numRuns: number): void {
  it('refuses every token it cannot verify with UNAUTHENTICATED first, and a valid one for another user with PERMISSION_DENIED', async () => {
    await shopperAuthorization(anonymous(), signed(), numRuns);
  }, 60_000);
}
