// 3 LOMS, 2 Checkout and 2 Notifications replicas (real processes) on one PostgreSQL and the local broker, under a
// mixed load through round-robin clients, with kill -9 of the relay leader, of a Notifications replica and of a
// second LOMS replica: invariants 1–5 hold, every acknowledged order exists as acknowledged, every event is
// recorded exactly once, and relay leadership moves to a survivor within a bound.
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, type RunningBundle, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase, scrapeMetric, spawnService, sumMetric } from '@shop/testkit';
import { startTestProducts } from '../../services/checkout/test/integration/checkoutStack';
import type { ProductsHandle } from '../../services/products/src/startProducts';
import { seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';
import { checkoutReplicasCaller, lomsReplicasCaller } from '../e2e/support/grpcClients';
import {
  brokenStockInvariants,
  eventIdsByOrder,
  outboxEvents,
  recordedNotifications,
  setStock,
  stockTotals,
  unpublishedCount,
} from '../e2e/support/lomsChecks';
import { report } from '../e2e/support/measurements';
import { runOrderLoad, untilAnswered } from '../e2e/support/orderLoad';
import { quickGroupEnv } from '../e2e/support/stackEnv';

const lomsOrders = 1_200;
const purchases = 120;
/** Unpaid orders are cancelled by the canceller this long after they were made (invariant 4). */
const paymentTimeoutMs = 10_000;

let broker: KafkaBroker | undefined;
let products: ProductsHandle | undefined;
let lomsDb: Pool | undefined;
let notificationsDb: Pool | undefined;
const lomsReplicas: RunningBundle[] = [];
const checkoutReplicas: RunningBundle[] = [];
const notificationsReplicas: RunningBundle[] = [];
/** Consumer members a Notifications replica replaced after kafkajs gave up on one (the local broker refuses some SyncGroups). */
let membersReplaced = 0;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const kafka = { KAFKA_BROKERS: broker.brokers.join(',') };
  const lomsUrl = await seededLomsDatabase();
  lomsDb = new Pool({ connectionString: lomsUrl, max: 2 });
  // SKUs 1..4 for the direct LOMS load, beside the catalogue's stock that Checkout's shoppers buy.
  await setStock(
    lomsDb,
    [1, 2, 3, 4].flatMap((sku) => [1, 2].map((warehouseId) => ({ sku, warehouseId, total: 2_000 }))),
  );
  const notificationsUrl = await freshDatabase('notifications');
  notificationsDb = new Pool({ connectionString: notificationsUrl, max: 2 });
  const checkoutUrl = await freshDatabase('checkout');
  products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });

  const lomsEnv = {
    ...kafka,
    LOMS_DATABASE_URL: lomsUrl,
    OUTBOX_POLL_INTERVAL: '50ms',
    ORDER_PAYMENT_TIMEOUT: `${paymentTimeoutMs}ms`,
    CANCELLER_INTERVAL: '500ms',
  };
  const notificationsEnv = { ...kafka, ...quickGroupEnv, NOTIFICATIONS_DATABASE_URL: notificationsUrl };
  const started = await Promise.all([
    ...[0, 1, 2].map(() => spawnService({ name: 'loms', env: lomsEnv })),
    ...[0, 1].map(() =>
      spawnService({
        name: 'notifications',
        env: notificationsEnv,
        onLine: (line) => {
          if (line.includes('a new member joins the group')) membersReplaced++;
        },
      }),
    ),
  ]);
  lomsReplicas.push(...started.slice(0, 3));
  notificationsReplicas.push(...started.slice(3));
  const checkoutEnv = {
    CHECKOUT_DATABASE_URL: checkoutUrl,
    LOMS_ADDR: lomsReplicas.map((r) => `127.0.0.1:${r.grpcPort}`).join(','),
    LOMS_TLS_SERVER_NAME: 'localhost',
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
  };
  checkoutReplicas.push(...(await Promise.all([0, 1].map(() => spawnService({ name: 'checkout', env: checkoutEnv })))));
}, 120_000);

afterAll(async () => {
  await Promise.all([...checkoutReplicas, ...lomsReplicas, ...notificationsReplicas].map((r) => r.stop(3_000).catch(() => undefined)));
  await products?.stop();
  await lomsDb?.end();
  await notificationsDb?.end();
  await broker?.stop();
});

const alive = (replicas: RunningBundle[]) => replicas.filter((r) => !r.gone());

/** The replicas (of those alive) whose relay is the active one. */
async function relayLeaders(): Promise<RunningBundle[]> {
  const live = alive(lomsReplicas);
  const active = await Promise.all(live.map((r) => scrapeMetric(r.adminPort, 'loms_outbox_relay_active').catch(() => 0)));
  return live.filter((_, i) => active[i] === 1);
}

async function killNine(replica: RunningBundle): Promise<number> {
  replica.kill('SIGKILL');
  expect(await replica.exited).toBe('SIGKILL');
  return Date.now();
}

describe('three LOMS, two Checkout and two Notifications replicas under load', () => {
  it('lose nothing when the relay leader, a Notifications replica and another LOMS replica are killed with SIGKILL', async () => {
    const initialTotals = await stockTotals(lomsDb!);
    const loms = lomsReplicasCaller(lomsReplicas.map((r) => r.grpcPort));
    const checkout = checkoutReplicasCaller(checkoutReplicas.map((r) => r.grpcPort));
    const acknowledged = new Map<number, 'AWAITING_PAYMENT' | 'PAYED' | 'CANCELLED'>();
    const unexpected: string[] = [];
    let ordersDone = 0;
    const reached = (share: number) =>
      eventually(
        `${share * 100}% of the LOMS load`,
        async () => ordersDone,
        (n) => n >= lomsOrders * share,
        90_000,
        20,
      );

    const purchaseLoad = async (lane: number, lanes: number) => {
      for (let n = lane; n < purchases; n += lanes) {
        const userId = 71_000 + n;
        const added = await untilAnswered(() => checkout.call((c) => c.addToCart, { userId, sku: 1001 + (n % 20), count: 1 }, 3_000));
        if (added.error) {
          unexpected.push(`add to cart ${n}: ${added.error.message}`);
          continue;
        }
        const bought = await untilAnswered(() =>
          checkout.call((c) => c.purchase, { userId, idempotencyKey: `scale-purchase-${n}` }, 5_000),
        );
        if (bought.value) acknowledged.set(bought.value.orderId, 'AWAITING_PAYMENT');
        else if (bought.error?.code !== grpc.status.FAILED_PRECONDITION) unexpected.push(`purchase ${n}: ${bought.error?.message}`);
      }
    };

    try {
      const load = Promise.all([
        runOrderLoad(loms, {
          shoppers: 16,
          orders: lomsOrders,
          userIdBase: 80_000,
          keyPrefix: 'scale',
          onOrder: () => ordersDone++,
          onAnswer: (orderId, status) => acknowledged.set(orderId, status),
        }),
        ...Array.from({ length: 6 }, (_, lane) => purchaseLoad(lane, 6)),
      ]);

      await reached(0.2);
      // Before any kill, the load is spread: every LOMS served orders, every Notifications replica recorded events.
      const createsServed = await Promise.all(
        lomsReplicas.map((r) => sumMetric(r.adminPort, 'grpc_server_handled_total', { grpc_method: 'CreateOrder', grpc_code: 'OK' })),
      );
      for (const count of createsServed) expect(count).toBeGreaterThan(0);
      await eventually(
        'both Notifications replicas recording',
        () => Promise.all(notificationsReplicas.map((r) => sumMetric(r.adminPort, 'notifications_recorded_total'))),
        (recordedBy) => recordedBy.every((n) => n > 0),
      );
      const [leader] = await eventually('one relay leader', relayLeaders, (leaders) => leaders.length === 1);
      const leaderKilledAt = await killNine(leader!);
      const [successor] = await eventually(
        'a surviving replica leading the relay',
        relayLeaders,
        (leaders) => leaders.length === 1,
        30_000,
        20,
      );
      const takeoverMs = Date.now() - leaderKilledAt;

      await reached(0.45);
      const notificationsKilledAt = await killNine(notificationsReplicas[0]!);

      await reached(0.7);
      const bystander = alive(lomsReplicas).find((r) => r !== successor);
      await killNine(bystander!);

      const [direct] = await load;
      const purchasesServed = await Promise.all(
        checkoutReplicas.map((r) => sumMetric(r.adminPort, 'grpc_server_handled_total', { grpc_method: 'Purchase', grpc_code: 'OK' })),
      );
      for (const count of purchasesServed) expect(count).toBeGreaterThan(0);
      const loadEndedAt = Date.now();
      expect(unexpected).toEqual([]);
      expect(direct.unexpected).toEqual([]);
      expect(direct.created + direct.failed).toBe(lomsOrders);

      // Invariant 4: the unpaid orders are cancelled by the canceller of the one LOMS left.
      await eventually(
        'no order awaiting payment past its deadline',
        async () => (await lomsDb!.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE status = 'AWAITING_PAYMENT'`)).rows[0]?.n,
        (n) => Number(n) === 0,
        paymentTimeoutMs + 30_000,
        200,
      );
      const { rows } = await lomsDb!.query<{ id: string; status: string }>('SELECT id, status FROM orders');
      const stored = new Map(rows.map((r) => [Number(r.id), r.status]));
      for (const [orderId, status] of acknowledged)
        expect(stored.get(orderId), `order ${orderId}`).toBe(status === 'AWAITING_PAYMENT' ? 'CANCELLED' : status);
      expect(acknowledged.size).toBeGreaterThanOrEqual(direct.created);
      // Invariants 1 and 2 (and the ledger), and 5: one order per key.
      expect(await brokenStockInvariants(lomsDb!, initialTotals)).toEqual([]);
      const { rows: keys } = await lomsDb!.query<{ orders: string; keys: string }>(
        `SELECT count(*) AS orders, count(DISTINCT (user_id, idempotency_key)) AS keys FROM orders WHERE idempotency_key IS NOT NULL`,
      );
      expect(Number(keys[0]?.orders)).toBe(Number(keys[0]?.keys));

      // Invariant 3: every event published, and recorded once, in order per order, by the surviving Notifications.
      await eventually(
        'every outbox event published',
        () => unpublishedCount(lomsDb!),
        (n) => n === 0,
        30_000,
        100,
      );
      const events = await outboxEvents(lomsDb!);
      const recorded = await eventually(
        'every event recorded',
        () => recordedNotifications(notificationsDb!),
        (r) => r.length >= events.length,
        60_000,
        100,
      );
      const recordedAllAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await recordedNotifications(notificationsDb!)).length).toBe(events.length);
      expect(new Set(recorded.map((n) => n.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
      expect(eventIdsByOrder(recorded)).toEqual(eventIdsByOrder(events));

      report('replicas under faults', {
        ordersAcknowledged: acknowledged.size,
        events: events.length,
        createOrdersServedBeforeKills: createsServed,
        purchasesServed,
        relayTakeoverMs: takeoverMs,
        notificationsMembersReplaced: membersReplaced,
        lomsRetries: direct.retries,
        loadAfterFirstKillMs: loadEndedAt - leaderKilledAt,
        recordedAllAfterNotificationsKillMs: recordedAllAt - notificationsKilledAt,
      });
      // The killed leader's session ends with its socket; a standby tries for the lock every poll.
      expect(takeoverMs).toBeLessThan(15_000);
    } finally {
      loms.close();
      checkout.close();
    }
  }, 240_000);
});
