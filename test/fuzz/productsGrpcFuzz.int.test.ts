// gRPC fuzz of the local ProductService (with an access token configured): hostile field values, malformed
// protobuf bytes and fuzzed authorization metadata; every answer must be one docs/api.md documents, and the
// server stays SERVING.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { certsDir } from '@shop/devstack';
import { startTestProducts } from '../../services/checkout/test/integration/checkoutStack';
import type { ProductsHandle } from '../../services/products/src/startProducts';
import { authorizationSamples, metadataOf, signedSamples, type SignedSamples } from './support/authorizationValues';
import { expectServingAfterEach, itAnswersFuzzedRequests, itRefusesWhatTheDecoderCannotHold } from './support/commonFuzzTests';
import { describeRequest } from './support/contract';
import { eventuallyServing, fuzzTarget, type FuzzTarget } from './support/fuzzProperties';
import { productMethods } from './support/productMethods';
import { encodeRequest } from './support/requestSchema';

const accessToken = 'fuzz-access-token';

let products: ProductsHandle;
let withToken: FuzzTarget;
let anonymous: FuzzTarget;
let signed: SignedSamples;

beforeAll(async () => {
  products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0', PRODUCTS_ACCESS_TOKEN: accessToken });
  const address = `localhost:${products.grpcPort}`;
  const tls = clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') });
  const token = grpc.credentials.createFromMetadataGenerator((_params, done) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${accessToken}`);
    done(null, metadata);
  });
  withToken = fuzzTarget(address, grpc.credentials.combineChannelCredentials(tls, token), 'product.v1.ProductService', productMethods());
  anonymous = fuzzTarget(address, tls, 'product.v1.ProductService', productMethods());
  signed = await signedSamples([1]);
  await eventuallyServing(withToken);
});

expectServingAfterEach(() => withToken);

afterAll(async () => {
  withToken?.client.close();
  anonymous?.client.close();
  await products?.stop();
});

describe('ProductService under a gRPC fuzz (its access token)', () => {
  itAnswersFuzzedRequests(() => withToken, { hostileRuns: 1500, malformedRuns: 500 });

  it('refuses every authorization header but its own token with UNAUTHENTICATED', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...anonymous.methods).chain((m) => fc.tuple(fc.constant(m.path), m.request)),
        authorizationSamples(signed),
        async ([path, value], sample) => {
          const method = anonymous.methods.find((m) => m.path === path);
          if (!method) throw new Error(path);
          const outcome = await anonymous.client.call(path, encodeRequest(method.schema, value), metadataOf(sample));
          const where = `${path} authorization ${JSON.stringify(sample.header?.slice(0, 120))} ${describeRequest(value)} → ${outcome.message}`;
          expect(grpc.status[outcome.code], where).toBe('UNAUTHENTICATED');
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);
});

describe('ProductService: input past what the decoder holds', () => {
  itRefusesWhatTheDecoderCannotHold(() => withToken);
});
