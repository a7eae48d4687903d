// gRPC fuzz of NotificationsService (with its database and a real Kafka-protocol broker): hostile field
// values, malformed protobuf bytes and fuzzed shopper tokens; every answer must be one docs/api.md documents,
// and the service stays SERVING.
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { certsDir, type KafkaBroker, shopperCredentials, startKafkaBroker } from '@shop/devstack';
import { freshDatabase } from '@shop/testkit';
import { startTestNotifications, type TestNotifications } from '../../services/notifications/test/integration/testService';
import { signedSamples, type SignedSamples } from './support/authorizationValues';
import { expectServingAfterEach, itAnswersFuzzedRequests, itRefusesWhatTheDecoderCannotHold } from './support/commonFuzzTests';
import { eventuallyServing, expectRefusedNaming, fuzzTarget, type FuzzTarget } from './support/fuzzProperties';
import { notificationsMethods } from './support/notificationsMethods';
import { itRefusesTokensItCannotVerify } from './support/shopperAuthProperty';

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

expectServingAfterEach(() => shopper);

afterAll(async () => {
  shopper?.client.close();
  anonymous?.client.close();
  await service?.stop();
  await broker?.stop();
});

describe('NotificationsService under a gRPC fuzz (admin shopper token)', () => {
  itAnswersFuzzedRequests(() => shopper, {
    hostileRuns: 1000,
    malformedRuns: 400,
    hostileTitle: 'answers hostile values in every field with a documented code and names every out-of-bounds field',
  });
  itRefusesTokensItCannotVerify(
    () => anonymous,
    () => signed,
    500,
  );
});

describe('NotificationsService: input past what the decoder, a JavaScript number or a Date holds', () => {
  itRefusesWhatTheDecoderCannotHold(() => shopper, { idsTitle: 'refuses user ids beyond 2^53 with INVALID_ARGUMENT naming user_id' });

  // A safe integer past 8.64e15 ms makes an Invalid Date, which PostgreSQL refuses: the token must be refused first.
  it('refuses a page token whose time is beyond what a Date holds with INVALID_ARGUMENT on page_token', async () => {
    const token = Buffer.from('{"u":1,"t":8640000000000001,"s":0}').toString('base64url');
    await expectRefusedNaming(shopper, listNotifications, { user_id: 1n, page_size: 0n, page_token: token }, 'page_token');
  });
});
