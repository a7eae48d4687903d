// Who may call Notifications (api.md, "Security: who may call what"): every NotificationsService method with
// every kind of bearer token, the order of the checks (token, then input bounds, then user), and health and
// reflection without a token. One Notifications (with its database and a local broker) for the whole file.
// The credential cases and the tests every method gets are in packages/testkit/src/shopperAuthMatrix.ts.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '@shop/proto';
import { devToken, type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { freshDatabase, shopperAuth } from '@shop/testkit';
import { encodePageToken } from '../../src/transport/grpc/pageToken';
import { startTestNotifications, type TestNotifications } from './testService';

const {
  callWithAuthorization,
  describeHealthAndReflectionWithoutToken,
  describeEveryCredential,
  describeTokenThenBounds,
  expectInvalidArgumentNaming,
  otherUser,
  tlsOnly,
  user,
} = shopperAuth;
type Outcome = shopperAuth.Outcome;

const service = notifications.NotificationsServiceService;
type Method = keyof typeof service;

/** A valid request of each method for `userId`; a new method of the service does not compile until it is here. */
const validRequest: Record<Method, (userId: number) => unknown> = {
  listNotifications: (userId) => notifications.ListNotificationsRequest.fromPartial({ userId, pageSize: 10 }),
};
const methods = Object.keys(service) as Method[];

/** What a call may end with once it is allowed. */
const businessOutcomes: Record<Method, grpc.status[]> = {
  listNotifications: [grpc.status.OK],
};

let client: grpc.Client;
let grpcPort: number;
let broker: KafkaBroker | undefined;
let started: TestNotifications | undefined;

const call = (method: Method, request: unknown, authorization: string | undefined): Promise<Outcome> =>
  callWithAuthorization(client, service[method], request, authorization);
const serviceUnderTest = { name: 'NotificationsService', definitions: service, validRequest, businessOutcomes, client: () => client };

beforeAll(async () => {
  broker = await startKafkaBroker();
  started = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
  });
  grpcPort = started.grpcPort;
  client = new grpc.Client(`localhost:${grpcPort}`, tlsOnly());
});
afterAll(async () => {
  client?.close();
  await started?.stop();
  await broker?.stop();
});

it('iterates over the methods of notifications.v1.NotificationsService', () => {
  expect(methods).toEqual(expect.arrayContaining(['listNotifications']));
});

describeEveryCredential(serviceUnderTest);

describe('the order of the checks: token, then input bounds, then user', () => {
  describeTokenThenBounds(serviceUnderTest);

  const outOfBounds = [
    { request: { userId: user, pageSize: 1001 }, field: 'page_size' },
    { request: { userId: user, pageSize: -1 }, field: 'page_size' },
    { request: { userId: user, pageToken: 'garbage!' }, field: 'page_token' },
    // A real page token, but issued for the token's user, not the request's.
    { request: { userId: user, pageToken: encodePageToken(otherUser, { createdAt: new Date(), seq: 1 }) }, field: 'page_token' },
  ];
  for (const { request, field } of outOfBounds) {
    it(`listNotifications ${JSON.stringify(request)} with user ${otherUser}'s token → INVALID_ARGUMENT naming ${field}`, async () => {
      const outcome = await call(
        'listNotifications',
        notifications.ListNotificationsRequest.fromPartial(request),
        `Bearer ${await devToken({ userId: otherUser })}`,
      );
      expectInvalidArgumentNaming(outcome, field);
    });
  }
});

describeHealthAndReflectionWithoutToken('notifications.v1.NotificationsService', () => grpcPort);
