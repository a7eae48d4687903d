// A full run at debug level: tokens, keys and database passwords never reach a log line, and lines logged
// inside a request carry its trace and span ids.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { callUnary, clientCredentials } from '@shop/platform';
import { checkout, loms, product } from '@shop/proto';
import {
  bearer,
  certsDir,
  devToken,
  type KafkaBroker,
  lomsCredentials,
  repoRoot,
  type RunningBundle,
  spawnBundle,
  startKafkaBroker,
} from '@shop/devstack';
import { childEnv, freshDatabase, spawnService, testServerEnv } from '@shop/testkit';
import { seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';

const token = `tok-${randomBytes(8).toString('hex')}`;
const password = `pw-${randomBytes(8).toString('hex')}`;
const wrongToken = `wrong-${randomBytes(8).toString('hex')}`;
const lines: { service: string; line: string }[] = [];
const services: RunningBundle[] = [];
let broker: KafkaBroker;
let secretLomsUrl: string;

/** The LOMS database, reached through a role whose password is the secret. */
async function lomsDatabaseWithSecretPassword(): Promise<string> {
  const url = new URL(await seededLomsDatabase());
  const role = `shop_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  } finally {
    await admin.end();
  }
  url.username = role;
  url.password = password;
  return url.toString();
}

beforeAll(async () => {
  expect(inject('postgresAdminUrl')).toBeTruthy();
  broker = await startKafkaBroker();
  secretLomsUrl = await lomsDatabaseWithSecretPassword();
  const debug = { LOG_LEVEL: 'debug' };
  const keep = (service: string) => (line: string) => lines.push({ service, line });
  const kafka = { KAFKA_BROKERS: broker.brokers.join(','), KAFKA_SESSION_TIMEOUT: '3s' };
  const products = await spawnService({ name: 'products', env: { ...debug, PRODUCTS_ACCESS_TOKEN: token }, onLine: keep('products') });
  const lomsService = await spawnService({
    name: 'loms',
    env: { ...debug, ...kafka, LOMS_DATABASE_URL: secretLomsUrl },
    onLine: keep('loms'),
  });
  services.push(products, lomsService);
  services.push(
    await spawnService({
      name: 'checkout',
      env: {
        ...debug,
        CHECKOUT_DATABASE_URL: await freshDatabase('checkout'),
        LOMS_ADDR: `localhost:${lomsService.grpcPort}`,
        PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
        PRODUCTS_ACCESS_TOKEN: token,
      },
      onLine: keep('checkout'),
    }),
    await spawnService({
      name: 'notifications',
      env: { ...debug, ...kafka, NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications') },
      onLine: keep('notifications'),
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await broker?.stop();
});

const creds = () => clientCredentials({ caFile: path.join(repoRoot(), 'certs/ca.crt') });

/** A token for user 5 signed by a key nobody trusts. */
async function foreignToken(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('5')
    .setIssuer('shop-dev')
    .setAudience('shop')
    .setExpirationTime('1h')
    .sign(privateKey);
}

/** The base64 lines of the private keys the stack holds: any one of them in a log is a leak. */
const privateKeyLines = () =>
  ['jwt/signing.key', 'clients/checkout.key', 'clients/admin.key', 'server.key'].flatMap((file) =>
    fs
      .readFileSync(path.join(certsDir(), file), 'utf8')
      .split('\n')
      .filter((line) => line.length >= 40 && !line.startsWith('-----')),
  );
const portOf = (name: string) => services.find((s) => s.name === name)?.grpcPort ?? 0;
const ignoreError = () => undefined;

describe('logs of a full run', () => {
  it('never contain a token, a private key or a database password, and lines inside a request carry trace_id and span_id', async () => {
    const shop = new checkout.CheckoutServiceClient(`localhost:${portOf('checkout')}`, creds());
    const orders = new loms.LomsServiceClient(`localhost:${portOf('loms')}`, lomsCredentials('payments'));
    const catalogue = new product.ProductServiceClient(`localhost:${portOf('products')}`, creds());
    const shopperToken = await devToken({ userId: 5 });
    const untrustedToken = await foreignToken();
    const t = { timeoutMs: 10_000, metadata: bearer(shopperToken) };
    try {
      await callUnary(shop.addToCart.bind(shop), { userId: 5, sku: 1001, count: 1 }, t);
      await callUnary(shop.addToCart.bind(shop), { userId: 5, sku: 999_999, count: 1 }, t).catch(ignoreError);
      await callUnary(shop.listCart.bind(shop), { userId: 5 }, t);
      await callUnary(shop.listCart.bind(shop), { userId: 6 }, t).catch(ignoreError);
      const untrusted = await callUnary(shop.listCart.bind(shop), { userId: 5 }, { ...t, metadata: bearer(untrustedToken) }).catch(
        (e: grpc.ServiceError) => e,
      );
      expect((untrusted as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
      const { orderId } = await callUnary(shop.purchase.bind(shop), { userId: 5, idempotencyKey: 'secret-run' }, t);
      await callUnary(orders.orderPayed.bind(orders), { orderId }, t);
      await callUnary(orders.getOrder.bind(orders), { orderId: 123_456_789 }, t).catch(ignoreError);
      const wrong = new grpc.Metadata();
      wrong.set('authorization', `Bearer ${wrongToken}`);
      const refused = await callUnary(catalogue.getProduct.bind(catalogue), { sku: 1001 }, { ...t, metadata: wrong }).catch(
        (e: grpc.ServiceError) => e,
      );
      expect((refused as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      [shop, orders, catalogue].forEach((c) => c.close());
    }

    // A JWT's signature alone is enough to recognise it.
    const secrets = [
      token,
      password,
      wrongToken,
      ...[shopperToken, untrustedToken].map((jwt) => jwt.split('.')[2] ?? jwt),
      ...privateKeyLines(),
    ];
    expect(secrets.length).toBeGreaterThan(10);
    const leaks = lines.filter(({ line }) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
    const handled = lines
      .filter(({ line }) => line.includes('"msg":"call handled"'))
      .map(({ service, line }): Record<string, unknown> => ({ ...(JSON.parse(line) as Record<string, unknown>), service }));
    expect(new Set(handled.map((h) => h.service))).toEqual(new Set(['checkout', 'loms', 'products']));
    for (const h of handled) {
      expect(h).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    }
    // Who called: LOMS names the certificate's identity, Checkout the shopper.
    expect(new Set(handled.filter((h) => h.service === 'loms').map((h) => h.caller))).toEqual(new Set(['checkout', 'payments']));
    expect(handled.filter((h) => h.service === 'checkout').every((h) => h.caller === 'shopper' && h.user_id === 5)).toBe(true);
  }, 60_000);

  it('names a bad setting at start-up without repeating the password of a connection string', async () => {
    const child = spawnBundle({
      name: 'loms',
      env: childEnv({ ...testServerEnv(), GRPC_PORT: 'not-a-port', LOMS_DATABASE_URL: secretLomsUrl.replace('postgres://', 'mysql://') }),
    });
    expect(await child.exited).toBe('1');
    const output = child.output();
    expect(output).toContain('GRPC_PORT');
    expect(output).toContain('LOMS_DATABASE_URL');
    expect(output).not.toContain(password);
  }, 30_000);
});
