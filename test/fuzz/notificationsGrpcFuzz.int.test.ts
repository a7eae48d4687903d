// gRPC fuzz of NotificationsService (with its database and a real Kafka-protocol broker): hostile field
// values, malformed protobuf bytes and fuzzed shopper tokens; every answer must be one docs/api.md documents,
// and the service stays SERVING.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { certsDir, shopperCredentials } from '@shop/testkit/src/credentials';
import { startKafkaBroker, type KafkaBroker } from '@shop/testkit/src/kafkaBroker';
import { freshDatabase } from '@shop/testkit/src/testDatabase';
import { startTestNotifications, type TestNotifications } from '../../services/notifications/test/integration/testService';
import { signedSamples, type SignedSamples } from './support/authorizationValues';
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
import { notificationsMethods } from './support/notificationsMethods';
import { encodeRequest } from './support/requestSchema';
import { shopperAuthorization } from './support/shopperAuthProperty';

const listNotifications = '/notifications.v1.NotificationsService/ListNotifications';

let broker: KafkaBroker;
let service: TestNotifications;
let shopper: FuzzTarget;
let anonymous: FuzzTarget;
let signed: SignedSamples;

beforeAll(async () => {
  broker = await startKafkaBroker();
  service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
    DB_CHECK_INTERVAL: '100ms',
  });
  const address = `localhost:${service.grpcPort}`;
  const name = 'notifications.v1.NotificationsService';
  shopper = fuzzTarget(address, shopperCredentials(), name, notificationsMethods());
  anonymous = fuzzTarget(address, clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }), name, notificationsMethods());
  signed = await signedSamples([1, 2, 3]);
  await eventuallyServing(shopper);
});

afterEach(async () => {
  if (shopper) await expectServing(shopper);
});

afterAll(async () => {
  shopper?.client.close();
  anonymous?.client.close();
  await service?.stop();
  await broker?.stop();
});

describe('NotificationsService under a gRPC fuzz (admin shopper token)', () => {
  it('answers hostile values in every field with a documented code and names every out-of-bounds field', async () => {
    const tally: CodeTally = new Map();
    await hostileFieldValues(shopper, 1000, { tally });
    expectPastTheBounds(shopper, tally);
  }, 60_000);

  it('answers request bytes that no encoder writes but the decoder reads with a documented code', async () => {
    await readableMalformedBytes(shopper, 400);
  }, 60_000);

  it('reads a request of exactly 4 MiB and refuses 4 MiB + 1 byte with RESOURCE_EXHAUSTED', async () => {
    await messageSizeLimit(shopper);
  });

  it('refuses every token it cannot verify with UNAUTHENTICATED first, and a valid one for another user with PERMISSION_DENIED', async () => {
    await shopperAuthorization(anonymous, signed, 500);
  }, 60_000);
});

describe('NotificationsService: input past what the decoder, a JavaScript number or a Date holds', () => {
  // grpc-js would answer INTERNAL for a deserializer that throws: bytes it cannot read are the caller's error.
  it('answers request bytes the decoder cannot read with INVALID_ARGUMENT, never INTERNAL', async () => {
    await unreadableBytes(shopper, 50);
  });

  // The generated decoder throws for |user_id| > 2^53 - 1, before any handler.
  it('refuses user ids beyond 2^53 with INVALID_ARGUMENT naming user_id', async () => {
    await idsBeyondSafeIntegers(shopper, 50);
  });

  // A safe integer past 8.64e15 ms makes an Invalid Date, which PostgreSQL refuses: the token must be refused first.
  it('refuses a page token whose time is beyond what a Date holds with INVALID_ARGUMENT on page_token', async () => {
    const method = shopper.methods[0];
    if (!method) throw new Error(listNotifications);
    const token = Buffer.from('{"u":1,"t":8640000000000001,"s":0}').toString('base64url');
    const value = { user_id: 1n, page_size: 0n, page_token: token };
    const outcome = await shopper.client.call(listNotifications, encodeRequest(method.schema, value));
    expectDocumentedOutcome(method, outcome, describeRequest(value));
    expect(grpc.status[outcome.code]).toBe('INVALID_ARGUMENT');
    expect(badRequestFields(outcome)).toEqual(['page_token']);
  });
});
