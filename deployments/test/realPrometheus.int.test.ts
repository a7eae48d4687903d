// The dashboards and alerts against a real Prometheus: the four services run as child processes, traffic goes
// through their gRPC APIs, Debian's prometheus scrapes them every second. Every panel query must parse and return
// data, every alert expression must parse and evaluate, every /metrics must pass `promtool check metrics`.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { callUnary } from '@shop/platform';
import { checkout, inventory, loms, notifications } from '@shop/proto';
import { type KafkaBroker, lomsCredentials, type RunningBundle, shopperCredentials, startKafkaBroker } from '@shop/devstack';
import { withDatabase } from '@shop/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alertRules, panelQueries, root } from './deploymentFiles';
import { instantQuery, startPrometheus, startService, type QueryAnswer, type RunningPrometheus } from './localStack';
import { metricsLintProblems, requireBinary } from './promtool';

/**
 * Panel queries allowed to return no data after this short run, each with the reason. Everything else must
 * return at least one series. (Empty today: the traffic below makes every panel's metric appear.)
 */
const mayHaveNoData: Record<string, string> = {};

const topic = 'loms.order-status';
/** The test webhook refuses this user's notifications, so that failed deliveries show up. */
const refusedUser = 7003;
const timeoutMs = 10_000;

let broker: KafkaBroker | undefined;
let webhook: http.Server | undefined;
let prometheus: RunningPrometheus | undefined;
const services: RunningBundle[] = [];
let workDir = '';
/** The LOMS database, where the traffic plants a stock drift. */
let lomsDatabaseUrl = '';

const serviceNamed = (name: string): RunningBundle => {
  const s = services.find((x) => x.name === name);
  if (!s) throw new Error(`${name} is not running`);
  return s;
};
const codeOf = (call: Promise<unknown>): Promise<grpc.status> =>
  call.then(
    () => grpc.status.OK,
    (err: grpc.ServiceError) => err.code,
  );

const execFileAsync = promisify(execFile);
const databaseNames: string[] = [];

/** Runs node with these arguments in the repo root, as a compose one-shot would; resolves with its output. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { cwd: root, env, timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const failed = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`node ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: err });
  }
}

async function createEmptyDatabases(): Promise<Record<'loms' | 'checkout' | 'notifications', string>> {
  const adminUrl = inject('postgresAdminUrl');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const suffix = randomUUID().slice(0, 8);
    const urls = {} as Record<'loms' | 'checkout' | 'notifications', string>;
    for (const service of ['loms', 'checkout', 'notifications'] as const) {
      const name = `deployments_${service}_${suffix}`;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      databaseNames.push(name);
      urls[service] = withDatabase(adminUrl, name);
    }
    return urls;
  } finally {
    await client.end();
  }
}

async function dropDatabases(): Promise<void> {
  if (databaseNames.length === 0) return;
  const client = new Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    for (const name of databaseNames.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The value of the first series of an instant query's answer. */
const valueOf = (a: QueryAnswer): string | undefined => (a.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1];

async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, waitMs = 30_000): Promise<T> {
  const until = Date.now() + waitMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A receipt and a count through InventoryService, then a drift planted by SQL (a row changed without its movement)
 * that a full CheckStockConsistency counts into loms_stock_drift_rows.
 */
async function driveInventory(): Promise<void> {
  const client = new inventory.InventoryServiceClient(`localhost:${serviceNamed('loms').grpcPort}`, lomsCredentials('admin'));
  try {
    await callUnary(
      client.receiveStock.bind(client),
      inventory.ReceiveStockRequest.fromPartial({ idempotencyKey: 'delivery-1', warehouseId: 1, items: [{ sku: 1005, count: 10 }] }),
      { timeoutMs },
    );
    await callUnary(
      client.adjustStock.bind(client),
      inventory.AdjustStockRequest.fromPartial({ warehouseId: 1, sku: 1005, newTotal: 8, expectedTotal: 10, reason: 'stock-take' }),
      { timeoutMs },
    );
    const db = new Client({ connectionString: lomsDatabaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE stocks SET total = total + 3 WHERE sku = 1007 AND warehouse_id = 1');
    } finally {
      await db.end();
    }
    const report = await callUnary(client.checkStockConsistency.bind(client), inventory.CheckStockConsistencyRequest.fromPartial({}), {
      timeoutMs,
    });
    expect(report.drifts.map((d) => [d.sku, d.warehouseId])).toEqual([[1007, 1]]);
  } finally {
    client.close();
  }
}

/** Carts, purchases, a payment, a cancellation, an order the canceller expires, failing calls, bad Kafka messages. */
async function driveTraffic(): Promise<void> {
  const checkoutClient = new checkout.CheckoutServiceClient(`localhost:${serviceNamed('checkout').grpcPort}`, shopperCredentials());
  const lomsClient = new loms.LomsServiceClient(`localhost:${serviceNamed('loms').grpcPort}`, lomsCredentials());
  const notificationsClient = new notifications.NotificationsServiceClient(
    `localhost:${serviceNamed('notifications').grpcPort}`,
    shopperCredentials(),
  );
  try {
    const addToCart = (userId: number, sku: number, count: number) =>
      callUnary(checkoutClient.addToCart.bind(checkoutClient), checkout.AddToCartRequest.fromPartial({ userId, sku, count }), {
        timeoutMs,
      });
    const purchase = (userId: number, idempotencyKey: string) =>
      callUnary(checkoutClient.purchase.bind(checkoutClient), checkout.PurchaseRequest.fromPartial({ userId, idempotencyKey }), {
        timeoutMs,
      });

    // Paid order; the second AddToCart of a SKU is a product cache hit; the purchase is retried once.
    await addToCart(7001, 1001, 1);
    await addToCart(7001, 1001, 1);
    await addToCart(7001, 1002, 2);
    await callUnary(checkoutClient.listCart.bind(checkoutClient), checkout.ListCartRequest.fromPartial({ userId: 7001 }), { timeoutMs });
    const paid = await purchase(7001, 'paid-order');
    expect((await purchase(7001, 'paid-order')).orderId).toBe(paid.orderId);
    await callUnary(lomsClient.orderPayed.bind(lomsClient), loms.OrderPayedRequest.fromPartial({ orderId: paid.orderId }), { timeoutMs });

    // Cancelled order.
    await addToCart(7002, 1003, 1);
    const cancelled = await purchase(7002, 'cancelled-order');
    await callUnary(lomsClient.cancelOrder.bind(lomsClient), loms.CancelOrderRequest.fromPartial({ orderId: cancelled.orderId }), {
      timeoutMs,
    });

    // Order left unpaid: the canceller expires it (ORDER_PAYMENT_TIMEOUT is 2s here); the webhook refuses its notifications.
    await addToCart(refusedUser, 1004, 1);
    const expired = await purchase(refusedUser, 'expired-order');

    // Failing calls: unknown product, bad input, not enough stock (a FAILED order), unknown order.
    expect(await codeOf(addToCart(7004, 999_999, 1))).toBe(grpc.status.NOT_FOUND);
    expect(await codeOf(addToCart(7004, 1001, 0))).toBe(grpc.status.INVALID_ARGUMENT);
    const short = loms.CreateOrderRequest.fromPartial({ userId: 7004, items: [{ sku: 1003, count: 10_000 }], idempotencyKey: 'short' });
    expect(await codeOf(callUnary(lomsClient.createOrder.bind(lomsClient), short, { timeoutMs }))).toBe(grpc.status.FAILED_PRECONDITION);
    expect(
      await codeOf(
        callUnary(lomsClient.getOrder.bind(lomsClient), loms.GetOrderRequest.fromPartial({ orderId: 999_999_999 }), { timeoutMs }),
      ),
    ).toBe(grpc.status.NOT_FOUND);
    await callUnary(lomsClient.stocks.bind(lomsClient), loms.StocksRequest.fromPartial({ sku: 1001 }), { timeoutMs });

    // Messages Notifications cannot read go to the dead-letter topic.
    const kafka = new Kafka({ clientId: 'deployments-test', brokers: broker?.brokers ?? [], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: '1', value: 'not json at all' },
        { key: '2', value: JSON.stringify({ event_id: 'not-a-uuid' }) },
      ],
    });
    await producer.disconnect();

    const statusOf = async (orderId: number) =>
      (await callUnary(lomsClient.getOrder.bind(lomsClient), loms.GetOrderRequest.fromPartial({ orderId }), { timeoutMs })).order?.status;
    const finalStatus = await eventually(
      'the canceller to expire the unpaid order',
      () => statusOf(expired.orderId),
      (s) => s === loms.OrderStatus.ORDER_STATUS_CANCELLED,
    );
    expect(finalStatus).toBe(loms.OrderStatus.ORDER_STATUS_CANCELLED);

    const listed = await eventually(
      'notifications of the paid order',
      () =>
        callUnary(
          notificationsClient.listNotifications.bind(notificationsClient),
          notifications.ListNotificationsRequest.fromPartial({ userId: 7001 }),
          { timeoutMs },
        ),
      (r) => r.notifications.length >= 2,
    );
    expect(listed.notifications.length).toBeGreaterThanOrEqual(2);
  } finally {
    checkoutClient.close();
    lomsClient.close();
    notificationsClient.close();
  }
}

beforeAll(async () => {
  requireBinary('prometheus');
  requireBinary('promtool');
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-prometheus-'));
  broker = await startKafkaBroker();
  const brokers = broker.brokers.join(',');
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const userId = (JSON.parse(body || '{}') as { user_id?: unknown }).user_id;
      res.writeHead(String(userId) === String(refusedUser) ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => webhook?.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notify`;

  // Empty databases, prepared the way compose does it: the `migrate` and `seed` one-shots' commands.
  const { loms: lomsDb, checkout: checkoutDb, notifications: notificationsDb } = await createEmptyDatabases();
  const oneShotEnv = {
    PATH: process.env.PATH,
    LOMS_DATABASE_URL: lomsDb,
    CHECKOUT_DATABASE_URL: checkoutDb,
    NOTIFICATIONS_DATABASE_URL: notificationsDb,
  };
  lomsDatabaseUrl = lomsDb;
  await run(['--import', 'tsx', 'scripts/migrate.ts'], oneShotEnv);
  expect(await run(['--import', 'tsx', 'scripts/seed-stock.ts'], { PATH: process.env.PATH, LOMS_DATABASE_URL: lomsDb })).toMatch(
    /seeded \d+ stock rows/,
  );

  const [products, lomsService, notificationsService] = await Promise.all([
    startService('products', { CATALOGUE_FILE: path.join(root, 'data/catalogue.json') }),
    startService('loms', {
      LOMS_DATABASE_URL: lomsDb,
      KAFKA_BROKERS: brokers,
      ORDER_STATUS_TOPIC: topic,
      ORDER_PAYMENT_TIMEOUT: '2s',
      CANCELLER_INTERVAL: '250ms',
    }),
    startService('notifications', {
      NOTIFICATIONS_DATABASE_URL: notificationsDb,
      KAFKA_BROKERS: brokers,
      ORDER_STATUS_TOPIC: topic,
      NOTIFY_WEBHOOK_URL: webhookUrl,
      NOTIFY_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      WEBHOOK_MAX_ATTEMPTS: '1',
      WEBHOOK_TIMEOUT: '1s',
      REDELIVERY_INTERVAL: '1s',
    }),
  ]);
  services.push(products, lomsService, notificationsService);
  services.push(
    await startService('checkout', {
      CHECKOUT_DATABASE_URL: checkoutDb,
      LOMS_ADDR: `localhost:${lomsService.grpcPort}`,
      PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    }),
  );
  prometheus = await startPrometheus(workDir, Object.fromEntries(services.map((s) => [s.name, s.adminPort])));
  // Traffic only once every target has been scraped (Prometheus starts scraping a few seconds after it is
  // ready): a counter must be seen before it moves for increase() to count the move, as in production.
  const url = prometheus.url;
  const up = await eventually(
    'every target scraped',
    () => instantQuery(url, 'sum(up)'),
    (a) => valueOf(a) === '4',
  );
  expect(valueOf(up), 'all four services scraped').toBe('4');
  try {
    await driveTraffic();
    await driveInventory();
  } catch (err) {
    const logs = services.map((s) => `--- ${s.name} ---\n${s.output()}`).join('\n');
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(services.map((s) => s.stop()));
  await broker?.stop();
  await new Promise<void>((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  await dropDatabases();
}, 60_000);

describe('dashboards and alerts against a real Prometheus scraping the real services', () => {
  it('scrapes all four services', async () => {
    const answer = await eventually(
      'four targets up',
      () => instantQuery(prometheus?.url ?? '', 'sum(up)'),
      (a) => valueOf(a) === '4',
    );
    expect(answer.status).toBe('success');
    expect(valueOf(answer)).toBe('4');
  });

  it('answers every dashboard panel query, with data', async () => {
    const queries = panelQueries();
    expect(queries.length).toBeGreaterThan(50);
    const problemsNow = async () => {
      const problems: string[] = [];
      for (const q of queries) {
        const answer = await instantQuery(prometheus?.url ?? '', q.expr);
        const where = `${q.dashboard} "${q.panel}" ${q.refId}: ${q.expr}`;
        if (answer.status !== 'success') problems.push(`${where}\n    error: ${answer.error}`);
        else if ((answer.data?.result.length ?? 0) === 0 && !(q.expr in mayHaveNoData)) problems.push(`${where}\n    no data`);
      }
      return problems;
    };
    // Rates need two scrapes after a series first appears; the canceller and deliveries need a moment.
    const problems = await eventually('every panel query to return data', problemsNow, (p) => p.length === 0, 30_000);
    expect(problems).toEqual([]);
  }, 60_000);

  it('parses and evaluates every alert expression', async () => {
    const rules = alertRules();
    for (const rule of rules) {
      const answer = await instantQuery(prometheus?.url ?? '', rule.expr);
      expect(answer.error, `${rule.alert}: ${rule.expr}`).toBeUndefined();
      expect(answer.status, rule.alert).toBe('success');
    }
    type RulesAnswer = { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const loaded = (await (await fetch(`${prometheus?.url}/api/v1/rules`)).json()) as RulesAnswer;
    const evaluated = loaded.data.groups.flatMap((g) => g.rules);
    expect(evaluated.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert).sort());
    expect(evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });

  it('evaluates the alerts on the real metrics: dead letters, refused deliveries and the planted stock drift trigger theirs, nothing else fires', async () => {
    const triggered = (alertname: string, label: string) =>
      eventually(
        `${alertname} pending or firing`,
        () => instantQuery(prometheus?.url ?? '', `ALERTS{alertname="${alertname}"}`),
        (a) => (a.data?.result.length ?? 0) > 0,
        15_000,
      ).then((a) => (a.data?.result as { metric: Record<string, string> }[]).map((r) => r.metric[label]));
    // increase() counts a move only from a value Prometheus has seen: a labelled counter must be exported at 0
    // from start-up (its label values initialised), or the first dead letter / failure after a start is missed.
    const hint = 'series must exist at 0 before the first event (initialise the label values at start-up)';
    expect(await triggered('NotificationsDeadLettered', 'kind'), `NotificationsDeadLettered: ${hint}`).toEqual(
      expect.arrayContaining(['unreadable', 'invalid']),
    );
    expect(await triggered('NotificationsDeliveryFailing', 'channel'), `NotificationsDeliveryFailing: ${hint}`).toEqual(['webhook']);
    expect(await triggered('StockDrift', 'job')).toEqual(['loms']);
    // Nothing else is wrong: no other alert fires (NotificationsDeadLettered and StockDrift may, a minute after their cause).
    const firing = await instantQuery(
      prometheus?.url ?? '',
      'ALERTS{alertstate="firing", alertname!~"NotificationsDeadLettered|StockDrift"}',
    );
    expect(firing.data?.result).toEqual([]);
  }, 40_000);

  it('serves /metrics that promtool check metrics accepts, on every service', async () => {
    for (const service of services) {
      const text = await (await fetch(`http://127.0.0.1:${service.adminPort}/metrics`)).text();
      expect(metricsLintProblems(text), service.name).toEqual([]);
    }
  });
});
