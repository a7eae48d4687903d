// gRPC fuzz of LomsService: hostile field values, malformed protobuf bytes and odd metadata against the real
// server over a seeded database; every answer must be one docs/api.md documents, and the server stays SERVING.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lomsCredentials } from '@shop/devstack';
import { startLomsTestServer, type LomsTestServer, seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';
import { authorizationMetadata, signedSamples, type SignedSamples } from './support/authorizationValues';
import { expectServingAfterEach, itAnswersFuzzedRequests, itRefusesWhatTheDecoderCannotHold } from './support/commonFuzzTests';
import { expectBoundsEnforced, expectDocumentedOutcome } from './support/contract';
import { eventuallyServing, expectRefusedNaming, fuzzTarget, hostileFieldValues, type FuzzTarget } from './support/fuzzProperties';
import { lomsMethods } from './support/lomsMethods';
import { malformedRequest } from './support/malformedMessages';
import { rawClient } from './support/rawClient';
import { encodeRequest } from './support/requestSchema';

const createOrder = '/loms.v1.LomsService/CreateOrder';
const listOrders = '/loms.v1.LomsService/ListOrders';

let server: LomsTestServer;
let address: string;
let admin: FuzzTarget;
let payments: FuzzTarget;
let signed: SignedSamples;

beforeAll(async () => {
  server = await startLomsTestServer({}, await seededLomsDatabase());
  address = `localhost:${server.handle.grpcPort}`;
  admin = fuzzTarget(address, lomsCredentials('admin'), 'loms.v1.LomsService', lomsMethods());
  payments = fuzzTarget(address, lomsCredentials('payments'), 'loms.v1.LomsService', lomsMethods());
  signed = await signedSamples([1, 2]);
  await eventuallyServing(admin);
});

expectServingAfterEach(() => admin);

afterAll(async () => {
  admin?.client.close();
  payments?.client.close();
  await server?.stop();
});

describe('LomsService under a gRPC fuzz (admin certificate)', () => {
  itAnswersFuzzedRequests(() => admin, {
    hostileRuns: 1500,
    malformedRuns: 600,
    hostileTitle:
      'answers hostile values in every field of every method with a documented code and names the out-of-bounds fields (at most 20)',
  });

  it('ignores authorization metadata: the certificate decides, whatever the header says', async () => {
    await hostileFieldValues(admin, 300, { metadata: authorizationMetadata(signed) });
  });

  it('refuses a caller its certificate does not allow with PERMISSION_DENIED, whatever the request bytes', async () => {
    const refused = payments.methods.filter((m) => !/\/(OrderPayed|GetOrder)$/.test(m.path));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...refused).chain((m) =>
          fc.tuple(
            fc.constant(m.path),
            fc.oneof(
              m.request.map((v) => encodeRequest(m.schema, v)),
              malformedRequest(m.schema, m.request),
            ),
          ),
        ),
        async ([path, bytes]) => {
          const outcome = await payments.client.call(path, bytes);
          const where = `${path} bytes ${bytes.toString('hex').slice(0, 200)} → ${outcome.message}`;
          expect(grpc.status[outcome.code], where).toBe('PERMISSION_DENIED');
          expect(outcome.details, where).toContainEqual({
            kind: 'ErrorInfo',
            value: expect.objectContaining({ reason: 'CALLER_NOT_ALLOWED' }),
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('LomsService: input past what the decoder, a JavaScript number, PostgreSQL or an HTTP/2 trailer holds', () => {
  itRefusesWhatTheDecoderCannotHold(() => admin, { idsTitle: 'refuses ids beyond 2^53 with INVALID_ARGUMENT naming the field' });

  // PostgreSQL text cannot hold NUL (22021): the key must be refused before it reaches the database.
  it('refuses CreateOrder with a NUL in idempotency_key with INVALID_ARGUMENT naming idempotency_key', async () => {
    const value = { user_id: 1n, items: [{ sku: 1001n, count: 1n }], idempotency_key: 'a\u0000b' };
    await expectRefusedNaming(admin, createOrder, value, 'idempotency_key');
  });

  // Number() rounds 9223372036854775807 up to 2^63, which overflows the query's bigint parameter (22003).
  it('refuses a page token whose order id is beyond the safe integers with INVALID_ARGUMENT on page_token', async () => {
    const token = Buffer.from('o1:2:9223372036854775807').toString('base64url');
    await expectRefusedNaming(admin, listOrders, { user_id: 2n, page_size: 0n, page_token: token }, 'page_token');
  });

  // Listing every violation of 633 or more bad items passes 64 KiB of trailers: the server would never answer,
  // and every later call on that HTTP/2 connection would hang too.
  it('answers CreateOrder with 1,000 out-of-bounds items listing 20 violations, and the connection keeps working', async () => {
    const own = rawClient(address, lomsCredentials('admin'), { deadlineMs: 5_000, reconnectAfterHang: false });
    try {
      const items = Array.from({ length: 1000 }, (_, i) => ({ sku: BigInt(1001 + i), count: 0n }));
      const method = admin.methods.find((m) => m.path === createOrder);
      if (!method) throw new Error(createOrder);
      const value = { user_id: 1n, items };
      const big = await own.call(createOrder, encodeRequest(method.schema, value));
      const request = '{"user_id":1,"items":[1000 × {sku: 1001+i, count: 0}]}';
      expectDocumentedOutcome(method, big, request);
      expectBoundsEnforced(method, value, big, request);
      expect(big.message).toMatch(/; and 981 more$/);
      const next = await own.call(createOrder, encodeRequest(method.schema, { user_id: 0n, items: [] }));
      expect(grpc.status[next.code]).toBe('INVALID_ARGUMENT');
    } finally {
      own.close();
    }
  });
});
