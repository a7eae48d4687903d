// PostgreSQL stopped for 20 s under load, then started again, with every service a real process: LOMS, Checkout
// and Notifications report NOT_SERVING and answer UNAVAILABLE meanwhile, and recover on their own (same
// processes); every acknowledged order and payment exists afterwards and no status change is lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type KafkaBroker,
  lomsCredentials,
  migrate,
  type PostgresCluster,
  repoRoot,
  type RunningBundle,
  type ServiceDatabase,
  shopperCredentials,
  startKafkaBroker,
  startPostgresCluster,
} from '@shop/devstack';
import { eventually, sleep, spawnService } from '@shop/testkit';
import { seedStock } from '../../services/loms/src/seed/seedStock';
import { checkoutCaller, lomsCaller, notificationsCaller } from './support/grpcClients';
import { healthProbe } from './support/healthStatus';
import { outboxEvents, recordedNotifications, unpublishedCount } from './support/lomsChecks';
import { report } from './support/measurements';
import { quickGroupEnv } from './support/stackEnv';

const outageMs = 20_000;
/** The bound this test holds recovery to, from PostgreSQL accepting connections again to every service SERVING. */
const recoveryBoundMs = 30_000;
const databases: ServiceDatabase[] = ['loms', 'checkout', 'notifications'];

let dataDir: string;
let pgPort: number;
let cluster: PostgresCluster | undefined;
let broker: KafkaBroker | undefined;
const services: Record<string, RunningBundle> = {};
const exits: string[] = [];

// Its own cluster on its own port: stopping it leaves every other test's databases alone.
const startCluster = () => startPostgresCluster({ dataDir, port: pgPort, persistent: true, durable: false });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-outage-pg-'));
  pgPort = await freePort();
  cluster = await startCluster();
  for (const name of databases) {
    const admin = new Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    await migrate(cluster.url(name), name);
  }
  await seedStock(cluster.url('loms'), path.join(repoRoot(), 'data/stock.json'));
  broker = await startKafkaBroker();
  const kafka = { KAFKA_BROKERS: broker.brokers.join(',') };
  const start = async (name: 'products' | 'loms' | 'checkout' | 'notifications', env: Record<string, string>) => {
    services[name] = await spawnService({ name, env });
    void services[name].exited.then((how) => exits.push(`${name} exited (${how})`));
  };
  await start('products', { CATALOGUE_FILE: path.join(repoRoot(), 'data/catalogue.json') });
  await Promise.all([
    start('loms', { ...kafka, LOMS_DATABASE_URL: cluster.url('loms'), OUTBOX_POLL_INTERVAL: '50ms', OUTBOX_SEND_TIMEOUT: '2s' }),
    start('notifications', { ...kafka, ...quickGroupEnv, NOTIFICATIONS_DATABASE_URL: cluster.url('notifications') }),
  ]);
  await start('checkout', {
    CHECKOUT_DATABASE_URL: cluster.url('checkout'),
    LOMS_ADDR: `localhost:${services.loms!.grpcPort}`,
    PRODUCTS_ADDR: `localhost:${services.products!.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
  });
}, 120_000);

afterAll(async () => {
  for (const name of ['checkout', 'notifications', 'loms', 'products']) await services[name]?.stop(3_000).catch(() => undefined);
  await broker?.stop().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What one kind of call answered, by time: OK, or the status code's name. */
interface Answers {
  log: { at: number; answer: string }[];
  note(answer: string): void;
}
const answersOf = (): Answers => {
  const log: Answers['log'] = [];
  return { log, note: (answer) => log.push({ at: Date.now(), answer }) };
};
const codeName = (err: unknown) => grpc.status[(err as grpc.ServiceError).code] ?? String(err);
const answersBetween = (a: Answers, from: number, to: number) =>
  new Set(a.log.filter((e) => e.at >= from && e.at < to).map((e) => e.answer));

describe('PostgreSQL stopped for 20 s under load', () => {
  it('services go NOT_SERVING and answer UNAVAILABLE, recover without a restart, and lose no acknowledged order or event', async () => {
    const checkout = checkoutCaller(services.checkout!.grpcPort);
    const payments = lomsCaller(services.loms!.grpcPort, 'payments');
    const notifications = notificationsCaller(services.notifications!.grpcPort);
    const health = {
      loms: healthProbe(`localhost:${services.loms!.grpcPort}`, lomsCredentials('payments')),
      checkout: healthProbe(`localhost:${services.checkout!.grpcPort}`, shopperCredentials()),
      notifications: healthProbe(`localhost:${services.notifications!.grpcPort}`, shopperCredentials()),
    };
    const healthOf = async () => ({
      loms: await health.loms.status(),
      checkout: await health.checkout.status(),
      notifications: await health.notifications.status(),
    });
    const answers = {
      addToCart: answersOf(),
      purchase: answersOf(),
      pay: answersOf(),
      lomsRead: answersOf(),
      cartRead: answersOf(),
      notificationsRead: answersOf(),
    };
    const acknowledged: { orderId: number; userId: number; paid: boolean; at: number }[] = [];
    let running = true;

    // Shoppers fill a cart and buy it through Checkout; the payment provider pays each order in LOMS.
    const shopper = async (n: number) => {
      const userId = 90_000 + n;
      for (let i = 0; running; i++) {
        let step = answers.addToCart;
        try {
          await checkout.call((c) => c.addToCart, { userId, sku: 1001 + ((n * 7 + i) % 50), count: 1 }, 3_000);
          step.note('OK');
          step = answers.purchase;
          const { orderId } = await checkout.call((c) => c.purchase, { userId, idempotencyKey: `outage-${n}-${i}` }, 5_000);
          step.note('OK');
          const order = { orderId, userId, paid: false, at: Date.now() };
          acknowledged.push(order);
          step = answers.pay;
          await payments.call((c) => c.orderPayed, { orderId }, 3_000);
          step.note('OK');
          order.paid = true;
        } catch (err) {
          step.note(codeName(err));
          await sleep(100);
        }
      }
    };
    // A read of each service that needs its database and nothing else.
    const reader = async (call: () => Promise<unknown> | undefined, into: Answers) => {
      while (running) {
        await call()?.then(
          () => into.note('OK'),
          (err: unknown) => into.note(codeName(err)),
        );
        await sleep(200);
      }
    };
    const load = Promise.all([
      ...[0, 1, 2, 3].map(shopper),
      reader(() => {
        const orderId = acknowledged[0]?.orderId;
        return orderId === undefined ? undefined : payments.call((c) => c.getOrder, { orderId }, 2_000);
      }, answers.lomsRead),
      reader(() => checkout.call((c) => c.listCart, { userId: 1 }, 2_000), answers.cartRead),
      reader(
        () => notifications.call((c) => c.listNotifications, { userId: 90_000, pageSize: 1, pageToken: '' }, 2_000),
        answers.notificationsRead,
      ),
    ]);

    try {
      await eventually(
        '20 acknowledged purchases before the outage',
        async () => acknowledged.length,
        (n) => n >= 20,
        60_000,
      );
      expect(await healthOf()).toEqual({ loms: 'SERVING', checkout: 'SERVING', notifications: 'SERVING' });

      await cluster!.stop();
      const stoppedAt = Date.now();
      cluster = undefined;
      await eventually('every service NOT_SERVING', healthOf, (h) => Object.values(h).every((s) => s === 'NOT_SERVING'), 15_000, 100);
      const notServingAfterMs = Date.now() - stoppedAt;
      await sleep(Math.max(0, stoppedAt + outageMs - Date.now()));

      cluster = await startCluster();
      const restartedAt = Date.now();
      await eventually(
        'every service SERVING again',
        healthOf,
        (h) => Object.values(h).every((s) => s === 'SERVING'),
        recoveryBoundMs,
        100,
      );
      const servingAfterMs = Date.now() - restartedAt;
      await eventually(
        'a purchase acknowledged after the restart',
        async () => acknowledged.filter((o) => o.at > restartedAt).length,
        (n) => n >= 5,
        30_000,
      );
      const purchasingAfterMs = (acknowledged.find((o) => o.at > restartedAt)?.at ?? Number.NaN) - restartedAt;
      running = false;
      await load;
      const endedAt = Date.now();

      // Meanwhile every call that needs the database answered UNAVAILABLE (a shopper's first call, AddToCart,
      // and each service's read), and nothing but OK or UNAVAILABLE was ever answered. AddToCart asks LOMS for
      // stock, retrying its UNAVAILABLE: on a loaded machine the retries can outlast LOMS_TIMEOUT, and "past the
      // deadline" is DEADLINE_EXCEEDED (docs/api.md), so for it that answer is the dependency's outage too.
      const dependencyOutage = (kind: string, answer: string) =>
        answer === 'UNAVAILABLE' || (kind === 'addToCart' && answer === 'DEADLINE_EXCEEDED');
      const during = Object.fromEntries(
        Object.entries(answers).map(([kind, a]) => [
          kind,
          [
            ...new Set(
              [...answersBetween(a, stoppedAt + 1_000, restartedAt)].map((answer) =>
                dependencyOutage(kind, answer) ? 'UNAVAILABLE' : answer,
              ),
            ),
          ],
        ]),
      );
      expect(during, JSON.stringify(during)).toMatchObject({
        addToCart: ['UNAVAILABLE'],
        lomsRead: ['UNAVAILABLE'],
        cartRead: ['UNAVAILABLE'],
        notificationsRead: ['UNAVAILABLE'],
      });
      const other = Object.entries(answers).flatMap(([kind, a]) =>
        a.log
          .filter((e) => e.at < endedAt && e.answer !== 'OK' && !dependencyOutage(kind, e.answer))
          .map((e) => `${kind} ${e.answer} at ${e.at - stoppedAt} ms after the stop (restart at ${restartedAt - stoppedAt} ms)`),
      );
      expect(other, other.join('; ')).toEqual([]);
      // The same processes throughout.
      expect(exits).toEqual([]);

      const lomsDb = new Pool({ connectionString: cluster.url('loms'), max: 2 });
      const notificationsDb = new Pool({ connectionString: cluster.url('notifications'), max: 2 });
      try {
        // Every order a shopper was told about exists for that shopper, paid when the payment was acknowledged.
        const { rows } = await lomsDb.query<{ id: string; user_id: string; status: string }>(
          'SELECT id, user_id, status FROM orders WHERE id = ANY ($1::bigint[])',
          [acknowledged.map((o) => o.orderId)],
        );
        const stored = new Map(rows.map((r) => [Number(r.id), { userId: Number(r.user_id), status: r.status }]));
        for (const order of acknowledged)
          expect({ orderId: order.orderId, ...stored.get(order.orderId) }).toMatchObject({
            orderId: order.orderId,
            userId: order.userId,
            ...(order.paid ? { status: 'PAYED' } : {}),
          });

        // No status change lost: the outbox drains and Notifications recorded every event of it.
        await eventually(
          'an empty outbox',
          () => unpublishedCount(lomsDb),
          (n) => n === 0,
          30_000,
        );
        const events = await outboxEvents(lomsDb);
        const recorded = await eventually(
          'every event recorded by Notifications',
          () => recordedNotifications(notificationsDb),
          (r) => r.length >= events.length,
          30_000,
        );
        expect(new Set(recorded.map((r) => r.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
        const paidEvents = new Set(events.filter((e) => e.status === 'PAYED').map((e) => e.orderId));
        expect(acknowledged.filter((o) => o.paid && !paidEvents.has(o.orderId))).toEqual([]);

        report('database outage', {
          outageMs: restartedAt - stoppedAt,
          notServingAfterMs,
          servingAfterRestartMs: servingAfterMs,
          purchasingAfterRestartMs: purchasingAfterMs,
          acknowledgedOrders: acknowledged.length,
          acknowledgedPayments: acknowledged.filter((o) => o.paid).length,
          statusChanges: events.length,
          unavailableAnswers: Object.values(answers).reduce((n, a) => n + a.log.filter((e) => e.answer === 'UNAVAILABLE').length, 0),
        });
        expect(servingAfterMs).toBeLessThanOrEqual(recoveryBoundMs);
      } finally {
        await lomsDb.end();
        await notificationsDb.end();
      }
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n${exits.join('\n')}\n` +
          Object.values(services)
            .map((svc) => `--- ${svc.name} ---\n${svc.output().split('\n').slice(-15).join('\n')}`)
            .join('\n'),
      );
    } finally {
      running = false;
      await load.catch(() => undefined);
      for (const c of [checkout, payments, notifications, ...Object.values(health)]) c.close();
    }
  }, 180_000);
});
