// gRPC fuzz of CheckoutService over the real stack (ProductService, seeded LOMS, Checkout): hostile field
// values, malformed protobuf bytes and fuzzed shopper tokens; every answer must be one docs/api.md
// documents, and Checkout stays SERVING.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { certsDir, shopperCredentials } from '@shop/testkit/src/credentials';
import { startTestCheckout, startTestLoms, startTestProducts } from '../../services/checkout/test/integration/checkoutStack';
import { signedSamples, type SignedSamples } from './support/authorizationValues';
import { checkoutMethods } from './support/checkoutMethods';
import { badRequestFields, describeRequest, expectDocumentedOutcome } from './support/contract';
import {
  eventuallyServing,
  expectPastTheBounds,
  expectServing,
  fuzzTarget,
  hostileFieldValues,
  idsBeyondSafeIntegers,
  messageSizeLimit,
  readableMalformedBytes,
  unreadableBytes,
  type CodeTally,
  type FuzzTarget,
} from './support/fuzzProperties';
import { encodeRequest } from './support/requestSchema';
import { shopperAuthorization } from './support/shopperAuthProperty';

const purchase = '/checkout.v1.CheckoutService/Purchase';

const stops: Array<() => unknown> = [];
let shopper: FuzzTarget;
let anonymous: FuzzTarget;
let signed: SignedSamples;

beforeAll(async () => {
  const products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });
  stops.push(() => products.stop());
  const loms = await startTestLoms();
  stops.push(() => loms.stop());
  const started = await startTestCheckout({
    LOMS_ADDR: `localhost:${loms.port}`,
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
  });
  stops.push(
    () => started.handle.stop(),
    () => started.client.close(),
  );
  const address = `localhost:${started.handle.grpcPort}`;
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

afterEach(async () => {
  if (shopper) await expectServing(shopper);
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('CheckoutService under a gRPC fuzz (admin shopper token)', () => {
  it('answers hostile values in every field of every method with a documented code and names every out-of-bounds field', async () => {
    const tally: CodeTally = new Map();
    await hostileFieldValues(shopper, 1200, { tally });
    expectPastTheBounds(shopper, tally);
  }, 60_000);

  it('answers request bytes that no encoder writes but the decoder reads with a documented code', async () => {
    await readableMalformedBytes(shopper, 500);
  }, 60_000);

  it('reads a request of exactly 4 MiB and refuses 4 MiB + 1 byte with RESOURCE_EXHAUSTED', async () => {
    await messageSizeLimit(shopper);
  });

  it('refuses every token it cannot verify with UNAUTHENTICATED first, and a valid one for another user with PERMISSION_DENIED', async () => {
    await shopperAuthorization(anonymous, signed, 500);
  }, 60_000);
});

describe('CheckoutService: input past what the decoder, a JavaScript number or PostgreSQL holds', () => {
  // grpc-js would answer INTERNAL for a deserializer that throws: bytes it cannot read are the caller's error.
  it('answers request bytes the decoder cannot read with INVALID_ARGUMENT, never INTERNAL', async () => {
    await unreadableBytes(shopper, 50);
  });

  // The generated decoder throws for |user_id| > 2^53 - 1, before any handler.
  it('refuses user ids beyond 2^53 with INVALID_ARGUMENT naming user_id', async () => {
    await idsBeyondSafeIntegers(shopper, 50);
  });

  // PostgreSQL text cannot hold NUL: the key must be refused before the purchases lookup (step 1) reads it.
  it('refuses Purchase with a NUL in idempotency_key with INVALID_ARGUMENT naming idempotency_key', async () => {
    const method = shopper.methods.find((m) => m.path === purchase);
    if (!method) throw new Error(purchase);
    const value = { user_id: 2n, idempotency_key: '\u0000' };
    const outcome = await shopper.client.call(purchase, encodeRequest(method.schema, value));
    expectDocumentedOutcome(method, outcome, describeRequest(value));
    expect(grpc.status[outcome.code]).toBe('INVALID_ARGUMENT');
    expect(badRequestFields(outcome)).toEqual(['idempotency_key']);
  });
});
