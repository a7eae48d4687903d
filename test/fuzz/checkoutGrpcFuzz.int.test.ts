// gRPC fuzz of CheckoutService over the real stack (ProductService, seeded LOMS, Checkout): hostile field
// values, malformed protobuf bytes and fuzzed shopper tokens; every answer must be one docs/api.md
// documents, and Checkout stays SERVING.
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { certsDir, shopperCredentials } from '@shop/devstack';
import { startCheckoutStack } from '../../services/checkout/test/integration/checkoutStack';
import { signedSamples, type SignedSamples } from './support/authorizationValues';
import { checkoutMethods } from './support/checkoutMethods';
import { expectServingAfterEach, itAnswersFuzzedRequests, itRefusesWhatTheDecoderCannotHold } from './support/commonFuzzTests';
import { eventuallyServing, expectRefusedNaming, fuzzTarget, type FuzzTarget } from './support/fuzzProperties';
import { itRefusesTokensItCannotVerify } from './support/shopperAuthProperty';

const purchase = '/checkout.v1.CheckoutService/Purchase';

const stops: Array<() => unknown> = [];
let shopper: FuzzTarget;
let anonymous: FuzzTarget;
let signed: SignedSamples;

beforeAll(async () => {
  const stack = await startCheckoutStack();
  stops.push(() => stack.stop());
  const address = `localhost:${stack.grpcPort}`;
  shopper = fuzzTarget(address, shopperCredentials(), 'checkout.v1.CheckoutService', checkoutMethods());
  anonymous = fuzzTarget(
    address,
    clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }),
    'checkout.v1.CheckoutService',
    checkoutMethods(),
  );
  stops.push(
    () => shopper.client.close(),
    () => anonymous.client.close(),
  );
  signed = await signedSamples([1, 2, 3]);
  await eventuallyServing(shopper);
});

expectServingAfterEach(() => shopper);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('CheckoutService under a gRPC fuzz (admin shopper token)', () => {
  itAnswersFuzzedRequests(() => shopper, { hostileRuns: 1200, malformedRuns: 500 });
  itRefusesTokensItCannotVerify(
    () => anonymous,
    () => signed,
    500,
  );
});

describe('CheckoutService: input past what the decoder, a JavaScript number or PostgreSQL holds', () => {
  itRefusesWhatTheDecoderCannotHold(() => shopper, { idsTitle: 'refuses user ids beyond 2^53 with INVALID_ARGUMENT naming user_id' });

  // PostgreSQL text cannot hold NUL: the key must be refused before the purchases lookup (step 1) reads it.
  it('refuses Purchase with a NUL in idempotency_key with INVALID_ARGUMENT naming idempotency_key', async () => {
    await expectRefusedNaming(shopper, purchase, { user_id: 2n, idempotency_key: '\u0000' }, 'idempotency_key');
  });
});
