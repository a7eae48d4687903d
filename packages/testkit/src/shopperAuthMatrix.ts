// For the shopper-token tests of Checkout and Notifications: every kind of bearer token and what each must
// end with, one call with a given `authorization` header read back as an Outcome, the tests that every method
// of a service gets from that, and health and reflection asked over TLS without a token.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { generateKeyPair, importPKCS8, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientCredentials, readStatusDetails } from '@shop/platform';
import { certsDir, devToken } from '@shop/devstack';

/** The user every request is for, and the one whose tokens must not act for them. */
export const user = 7;
export const otherUser = 8;

export type Expected =
  | { kind: 'refused'; code: grpc.status; reason: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'USER_MISMATCH' }
  | { kind: 'allowed' };

export interface Credential {
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

let foreignKeyPair: ReturnType<typeof generateKeyPair> | undefined;
const nowSec = () => Math.floor(Date.now() / 1000);

/** Signed with a key the services do not trust, otherwise exactly what the dev key would sign. */
const foreignToken = async (userId: number) => {
  const { privateKey } = await (foreignKeyPair ??= generateKeyPair('ES256'));
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setSubject(String(userId))
    .setIssuer('shop-dev')
    .setAudience('shop')
    .setIssuedAt()
    .setExpirationTime(nowSec() + 3600)
    .sign(privateKey);
};

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

/** Every kind of token a call for `user` may carry, and what the service must answer to it. */
export const credentials: Credential[] = [
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
export const refusedCredentials = credentials.filter((c) => c.expected.kind === 'refused');
export const unauthenticatedCredentials = refusedCredentials.filter(
  (c) => c.expected.kind === 'refused' && c.expected.code === grpc.status.UNAUTHENTICATED,
);

export const label = (expected: Expected): string =>
  expected.kind === 'allowed' ? 'allowed' : `${grpc.status[expected.code]} ${expected.reason}`;

// ---- calls ----------------------------------------------------------------------------------------------

/** TLS that trusts the dev CA and sends nothing else: no client certificate, no token. */
export const tlsOnly = (): grpc.ChannelCredentials => clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') });

export interface Outcome {
  code: grpc.status;
  message: string;
  errorInfo?: { reason: string; domain: string };
  badRequestFields: string[];
  response?: unknown;
}

/** The parts of a generated unary method definition that a call needs. */
export interface UnaryMethod {
  path: string;
  requestSerialize: (value: never) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

/** One unary call with `authorization` as the header (none when undefined); never rejects. */
export function callWithAuthorization(
  client: grpc.Client,
  definition: UnaryMethod,
  request: unknown,
  authorization: string | undefined,
): Promise<Outcome> {
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      definition.path,
      definition.requestSerialize as (value: unknown) => Buffer,
      definition.responseDeserialize,
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

export const describeOutcome = (o: Outcome): string =>
  `${grpc.status[o.code]}${o.errorInfo ? ` ${o.errorInfo.domain}/${o.errorInfo.reason}` : ''}${o.message ? `: ${o.message}` : ''}`;

/** Refused: exactly that code and auth reason. Allowed: no auth refusal, and one of the method's `businessOutcomes`. */
export function expectAuthOutcome(outcome: Outcome, expected: Expected, businessOutcomes: grpc.status[]): void {
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
    businessOutcomes.map((c) => grpc.status[c]),
    describeOutcome(outcome),
  ).toContain(grpc.status[outcome.code]);
}

export function expectInvalidArgumentNaming(outcome: Outcome, field: string): void {
  expect(grpc.status[outcome.code], describeOutcome(outcome)).toBe('INVALID_ARGUMENT');
  expect(outcome.message).toContain(field);
  expect(outcome.badRequestFields).toEqual([field]);
}

// ---- the tests every method gets ------------------------------------------------------------------------

/** What the shared tests need of a service: its name in test names, its methods, and how to call each. */
export interface ServiceUnderTest<M extends string> {
  /** As test names say it: `CheckoutService`. */
  name: string;
  definitions: Record<M, UnaryMethod>;
  /** A valid request of each method for `userId`. */
  validRequest: Record<M, (userId: number) => unknown>;
  /** What an allowed call of each method may still end with. */
  businessOutcomes: Record<M, grpc.status[]>;
  /** The TLS-only client that the test file's beforeAll makes. */
  client: () => grpc.Client;
}

const methodsOf = <M extends string>(service: ServiceUnderTest<M>) => Object.keys(service.definitions) as M[];
const callValid = <M extends string>(service: ServiceUnderTest<M>, method: M, userId: number, authorization: string | undefined) =>
  callWithAuthorization(service.client(), service.definitions[method], service.validRequest[method](userId), authorization);

/** Each method for `user` with each credential: refused with that code and reason, or allowed. */
export function describeEveryCredential<M extends string>(service: ServiceUnderTest<M>): void {
  for (const method of methodsOf(service)) {
    describe(`${service.name} ${method} for user ${user}`, () => {
      for (const { name, authorization, expected } of credentials) {
        it(`with ${name} → ${label(expected)}`, async () => {
          expectAuthOutcome(await callValid(service, method, user, await authorization()), expected, service.businessOutcomes[method]);
        });
      }
    });
  }
}

/** Each method with user_id 0: a bad token is refused before the bounds, a good one fails the bounds before the user check. */
export function describeTokenThenBounds<M extends string>(service: ServiceUnderTest<M>): void {
  describe.each(methodsOf(service))(`${service.name} %s with user_id 0`, (method) => {
    for (const { name, authorization, expected } of unauthenticatedCredentials) {
      it(`and ${name} → ${label(expected)} (authentication comes first)`, async () => {
        expectAuthOutcome(await callValid(service, method, 0, await authorization()), expected, service.businessOutcomes[method]);
      });
    }

    it(`and user ${user}'s own token → INVALID_ARGUMENT naming user_id (bounds before the user check)`, async () => {
      expectInvalidArgumentNaming(await callValid(service, method, 0, `Bearer ${await devToken({ userId: user })}`), 'user_id');
    });
  });
}

// ---- health and reflection ------------------------------------------------------------------------------

/** The status the server on `port` reports for `serviceName` ('' for the server itself), asked with TLS only. */
export async function healthStatus(port: number, serviceName: string): Promise<string> {
  const health = new grpc.Client(`localhost:${port}`, tlsOnly());
  try {
    return await new Promise<string>((resolve, reject) =>
      health.makeUnaryRequest(
        healthService.Check!.path,
        healthService.Check!.requestSerialize,
        healthService.Check!.responseDeserialize,
        { service: serviceName },
        { deadline: Date.now() + 2_000 },
        (err, res) => (err ? reject(err) : resolve((res as { status: string }).status)),
      ),
    );
  } finally {
    health.close();
  }
}

type Ctor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;
type ReflectionClient = grpc.Client & {
  ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
};
interface ListServicesResponse {
  list_services_response: { service: { name: string }[] };
}

/** The names of the services the server on `port` lists by reflection `version`, asked with TLS only, in its order. */
export async function reflectedServiceNames(port: number, version: 'v1' | 'v1alpha'): Promise<string[]> {
  const proto = path.join(
    path.dirname(require.resolve('@grpc/reflection/package.json')),
    `build/proto/grpc/reflection/${version}/reflection.proto`,
  );
  const definition = protoLoader.loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true });
  const reflection = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: Record<string, { ServerReflection: Ctor }> };
  };
  const reflectionClient = new reflection.grpc.reflection[version]!.ServerReflection(`localhost:${port}`, tlsOnly()) as ReflectionClient;
  try {
    const listed = await new Promise<ListServicesResponse>((resolve, reject) => {
      const stream = reflectionClient.ServerReflectionInfo();
      stream.once('data', (res: ListServicesResponse) => {
        resolve(res);
        stream.end();
      });
      stream.once('error', reject);
      stream.write({ list_services: '' });
    });
    return listed.list_services_response.service.map((s) => s.name);
  } finally {
    reflectionClient.close();
  }
}

/** Health for the server and for `fullServiceName`, and the service list by both reflection versions, with TLS only. */
export function describeHealthAndReflectionWithoutToken(fullServiceName: string, port: () => number): void {
  describe('health and reflection need no token', () => {
    it(`answers health checks for the server and for ${fullServiceName.split('.').pop()} with TLS only`, async () => {
      await expect.poll(() => healthStatus(port(), fullServiceName), { timeout: 10_000 }).toBe('SERVING');
      expect(await healthStatus(port(), '')).toBe('SERVING');
    });

    it.each(['v1', 'v1alpha'] as const)('lists the services by reflection (%s) with TLS only', async (version) => {
      expect((await reflectedServiceNames(port(), version)).sort()).toEqual([fullServiceName, 'grpc.health.v1.Health'].sort());
    });
  });
}
