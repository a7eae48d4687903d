// Who may call Notifications (api.md, "Security: who may call what"): every NotificationsService method with
// every kind of bearer token, the order of the checks (token, then input bounds, then user), and health and
// reflection without a token. One Notifications (with its database and a local broker) for the whole file.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { generateKeyPair, importPKCS8, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials, readStatusDetails } from '@shop/platform';
import { notifications } from '@shop/proto';
import { certsDir, devToken } from '@shop/testkit/src/credentials';
import { startKafkaBroker, type KafkaBroker } from '@shop/testkit/src/kafkaBroker';
import { freshDatabase } from '@shop/testkit/src/testDatabase';
import { encodePageToken } from '../../src/transport/grpc/pageToken';
import { startTestNotifications, type TestNotifications } from './testService';

const service = notifications.NotificationsServiceService;
type Method = keyof typeof service;

const user = 7;
const otherUser = 8;

/** A valid request of each method for `userId`; a new method of the service does not compile until it is here. */
const validRequest: Record<Method, (userId: number) => unknown> = {
  listNotifications: (userId) => notifications.ListNotificationsRequest.fromPartial({ userId, pageSize: 10 }),
};
const methods = Object.keys(service) as Method[];

/** What a call may end with once it is allowed. */
const businessOutcomes: Record<Method, grpc.status[]> = {
  listNotifications: [grpc.status.OK],
};

// ---- credentials ----------------------------------------------------------------------------------------

type Expected =
  | { kind: 'refused'; code: grpc.status; reason: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'USER_MISMATCH' }
  | { kind: 'allowed' };

interface Credential {
  name: string;
  /** The `authorization` header to send, or undefined for none; made per call so that expiries are fresh. */
  authorization: () => Promise<string | undefined>;
  expected: Expected;
}

const unauthenticated = (reason: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED'): Expected => ({
  kind: 'refused',
  code: grpc.status.UNAUTHENTICATED,
  reason,
});
const allowed: Expected = { kind: 'allowed' };
const bearerOf = async (token: Promise<string>) => `Bearer ${await token}`;

let foreignKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const nowSec = () => Math.floor(Date.now() / 1000);

/** Signed with a key the services do not trust, otherwise exactly what the dev key would sign. */
const foreignToken = async (userId: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setSubject(String(userId))
    .setIssuer('shop-dev')
    .setAudience('shop')
    .setIssuedAt()
    .setExpirationTime(nowSec() + 3600)
    .sign(foreignKey);

/** Every required claim but `exp`, signed with the right key (read the same way devToken reads it). */
const tokenWithoutExp = async (userId: number) => {
  const key = await importPKCS8(fs.readFileSync(path.join(certsDir(), 'jwt', 'signing.key'), 'utf8'), 'ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(String(userId))
    .setIssuer('shop-dev')
    .setAudience('shop')
    .sign(key);
};

const credentials: Credential[] = [
  { name: 'no token', authorization: () => Promise.resolve(undefined), expected: unauthenticated('TOKEN_MISSING') },
  {
    name: 'garbage (Bearer not-a-jwt)',
    authorization: () => Promise.resolve('Bearer not-a-jwt'),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  {
    name: 'a raw JWT without the Bearer scheme',
    authorization: () => devToken({ userId: user }),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  {
    name: 'a token signed by another ES256 key',
    authorization: () => bearerOf(foreignToken(user)),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  {
    name: 'an unsigned token (alg none)',
    authorization: () =>
      Promise.resolve(
        `Bearer ${new UnsecuredJWT({}).setSubject(String(user)).setIssuer('shop-dev').setAudience('shop').setExpirationTime('1h').encode()}`,
      ),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  { name: 'a token without exp', authorization: () => bearerOf(tokenWithoutExp(user)), expected: unauthenticated('TOKEN_INVALID') },
  {
    name: 'a token with the wrong iss',
    authorization: () => bearerOf(devToken({ userId: user, issuer: 'someone-else' })),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  {
    name: 'a token with the wrong aud',
    authorization: () => bearerOf(devToken({ userId: user, audience: 'another-shop' })),
    expected: unauthenticated('TOKEN_INVALID'),
  },
  {
    name: 'a token expired 120 s ago',
    authorization: () => bearerOf(devToken({ userId: user, expiresInSec: -120 })),
    expected: unauthenticated('TOKEN_EXPIRED'),
  },
  {
    name: 'an admin token expired 120 s ago',
    authorization: () => bearerOf(devToken({ userId: otherUser, admin: true, expiresInSec: -120 })),
    expected: unauthenticated('TOKEN_EXPIRED'),
  },
  {
    name: `user ${otherUser}'s token`,
    authorization: () => bearerOf(devToken({ userId: otherUser })),
    expected: { kind: 'refused', code: grpc.status.PERMISSION_DENIED, reason: 'USER_MISMATCH' },
  },
  {
    name: `user ${otherUser}'s admin token`,
    authorization: () => bearerOf(devToken({ userId: otherUser, admin: true })),
    expected: allowed,
  },
  { name: `user ${user}'s own token`, authorization: () => bearerOf(devToken({ userId: user })), expected: allowed },
  {
    name: `user ${user}'s token expired 10 s ago (within the 30 s leeway)`,
    authorization: () => bearerOf(devToken({ userId: user, expiresInSec: -10 })),
    expected: allowed,
  },
];
const refusedCredentials = credentials.filter((c) => c.expected.kind === 'refused');
const unauthenticatedCredentials = refusedCredentials.filter(
  (c) => c.expected.kind === 'refused' && c.expected.code === grpc.status.UNAUTHENTICATED,
);

// ---- calls ----------------------------------------------------------------------------------------------

interface Outcome {
  code: grpc.status;
  message: string;
  errorInfo?: { reason: string; domain: string };
  badRequestFields: string[];
  response?: unknown;
}

let client: grpc.Client;
let grpcPort: number;
let broker: KafkaBroker | undefined;
let started: TestNotifications | undefined;
const tls = () => clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') });

async function call(method: Method, request: unknown, authorization: string | undefined): Promise<Outcome> {
  const definition = service[method];
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      definition.path,
      definition.requestSerialize as (value: unknown) => Buffer,
      definition.responseDeserialize as (bytes: Buffer) => unknown,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err, response) => {
        if (!err) return resolve({ code: grpc.status.OK, message: '', badRequestFields: [], response });
        const details = readStatusDetails(err);
        const info = details.find((d) => d.kind === 'ErrorInfo');
        const badRequest = details.find((d) => d.kind === 'BadRequest');
        resolve({
          code: err.code,
          message: err.details,
          errorInfo: info?.kind === 'ErrorInfo' ? { reason: info.value.reason, domain: info.value.domain } : undefined,
          badRequestFields: badRequest?.kind === 'BadRequest' ? badRequest.value.fieldViolations.map((v) => v.field) : [],
        });
      },
    ),
  );
}

const describeOutcome = (o: Outcome) =>
  `${grpc.status[o.code]}${o.errorInfo ? ` ${o.errorInfo.domain}/${o.errorInfo.reason}` : ''}${o.message ? `: ${o.message}` : ''}`;

function expectOutcome(method: Method, outcome: Outcome, expected: Expected): void {
  if (expected.kind === 'refused') {
    expect({ code: grpc.status[outcome.code], errorInfo: outcome.errorInfo }, describeOutcome(outcome)).toEqual({
      code: grpc.status[expected.code],
      errorInfo: { reason: expected.reason, domain: 'auth' },
    });
    return;
  }
  expect(['UNAUTHENTICATED', 'PERMISSION_DENIED'], describeOutcome(outcome)).not.toContain(grpc.status[outcome.code]);
  expect(outcome.errorInfo?.domain, describeOutcome(outcome)).not.toBe('auth');
  expect(
    businessOutcomes[method].map((c) => grpc.status[c]),
    describeOutcome(outcome),
  ).toContain(grpc.status[outcome.code]);
}

const label = (expected: Expected) => (expected.kind === 'allowed' ? 'allowed' : `${grpc.status[expected.code]} ${expected.reason}`);

beforeAll(async () => {
  ({ privateKey: foreignKey } = await generateKeyPair('ES256'));
  broker = await startKafkaBroker();
  started = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
  });
  grpcPort = started.grpcPort;
  client = new grpc.Client(`localhost:${grpcPort}`, tls());
});
afterAll(async () => {
  client?.close();
  await started?.stop();
  await broker?.stop();
});

// ---- tests ----------------------------------------------------------------------------------------------

it('iterates over the methods of notifications.v1.NotificationsService', () => {
  expect(methods).toEqual(expect.arrayContaining(['listNotifications']));
});

for (const method of methods) {
  describe(`NotificationsService ${method} for user ${user}`, () => {
    for (const { name, authorization, expected } of credentials) {
      it(`with ${name} → ${label(expected)}`, async () => {
        expectOutcome(method, await call(method, validRequest[method](user), await authorization()), expected);
      });
    }
  });
}

describe('the order of the checks: token, then input bounds, then user', () => {
  describe.each(methods)('NotificationsService %s with user_id 0', (method) => {
    for (const { name, authorization, expected } of unauthenticatedCredentials) {
      it(`and ${name} → ${label(expected)} (authentication comes first)`, async () => {
        expectOutcome(method, await call(method, validRequest[method](0), await authorization()), expected);
      });
    }

    it(`and user ${user}'s own token → INVALID_ARGUMENT naming user_id (bounds before the user check)`, async () => {
      const outcome = await call(method, validRequest[method](0), `Bearer ${await devToken({ userId: user })}`);
      expect(grpc.status[outcome.code], describeOutcome(outcome)).toBe('INVALID_ARGUMENT');
      expect(outcome.message).toContain('user_id');
      expect(outcome.badRequestFields).toEqual(['user_id']);
    });
  });

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
      expect(grpc.status[outcome.code], describeOutcome(outcome)).toBe('INVALID_ARGUMENT');
      expect(outcome.message).toContain(field);
      expect(outcome.badRequestFields).toEqual([field]);
    });
  }
});

// ---- health and reflection ------------------------------------------------------------------------------

function grpcPackage(protoFile: string): grpc.GrpcObject {
  return grpc.loadPackageDefinition(protoLoader.loadSync(protoFile, { keepCase: true, longs: String, enums: String, defaults: true }));
}

type Ctor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;
type ReflectionClient = grpc.Client & {
  ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
};

describe('health and reflection need no token', () => {
  it('answers health checks for the server and for NotificationsService with TLS only', async () => {
    const health = new grpc.Client(`localhost:${grpcPort}`, tls());
    const check = (name: string) =>
      new Promise<string>((resolve, reject) =>
        health.makeUnaryRequest(
          healthService.Check!.path,
          healthService.Check!.requestSerialize,
          healthService.Check!.responseDeserialize,
          { service: name },
          { deadline: Date.now() + 2_000 },
          (err, res) => (err ? reject(err) : resolve((res as { status: string }).status)),
        ),
      );
    try {
      await expect.poll(() => check('notifications.v1.NotificationsService'), { timeout: 10_000 }).toBe('SERVING');
      expect(await check('')).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it.each(['v1', 'v1alpha'] as const)('lists the services by reflection (%s) with TLS only', async (version) => {
    const proto = path.join(
      path.dirname(require.resolve('@grpc/reflection/package.json')),
      `build/proto/grpc/reflection/${version}/reflection.proto`,
    );
    const reflection = grpcPackage(proto) as unknown as { grpc: { reflection: Record<string, { ServerReflection: Ctor }> } };
    const reflectionClient = new reflection.grpc.reflection[version]!.ServerReflection(`localhost:${grpcPort}`, tls()) as ReflectionClient;
    try {
      const listed = await new Promise<{ list_services_response: { service: { name: string }[] } }>((resolve, reject) => {
        const stream = reflectionClient.ServerReflectionInfo();
        stream.once('data', (res: { list_services_response: { service: { name: string }[] } }) => {
          resolve(res);
          stream.end();
        });
        stream.once('error', reject);
        stream.write({ list_services: '' });
      });
      expect(listed.list_services_response.service.map((s) => s.name).sort()).toEqual([
        'grpc.health.v1.Health',
        'notifications.v1.NotificationsService',
      ]);
    } finally {
      reflectionClient.close();
    }
  });
});
