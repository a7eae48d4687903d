// PostgreSQL failover under load. Two LOMS processes reach PostgreSQL through one address, a TCP proxy in front
// of a primary with a synchronous streaming standby (Debian's PostgreSQL, seeded by pg_basebackup). While callers
// create and pay orders, the primary is killed with SIGKILL, the standby promoted and the address moved to it:
// LOMS recovers without a restart, every acknowledged order and payment is on the new primary, the stock
// invariants hold, every outbox event reaches the topic, and the window in which calls failed is measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KafkaBroker,
  migrate,
  type ReplicatedPostgres,
  type RunningBundle,
  startKafkaBroker,
  startReplicatedPostgres,
  waitForReady,
} from '@shop/devstack';
import { loms } from '@shop/proto';
import { collectTopic, eventually, scrapeMetric, spawnService, startTcpProxy, type TcpProxy, type TopicCollector } from '@shop/testkit';
import { lomsCaller } from '../e2e/support/grpcClients';
import { brokenStockInvariants, outboxEvents, setStock, unpublishedCount } from '../e2e/support/lomsChecks';
import { report } from '../e2e/support/measurements';
import { untilAnswered } from '../e2e/support/orderLoad';
import { callTimeline, failureWindow, longestWithoutSuccessMs } from './support/callTimeline';

const lanes = 8;
/** The bound this test holds the failure window to: generous, for a loaded 2-core machine. */
const windowBoundMs = 30_000;
const skus = [1, 2, 3, 4];
const unitsPerWarehouse = 100_000;

let dataRoot: string | undefined;
let postgres: ReplicatedPostgres | undefined;
let proxy: TcpProxy | undefined;
let broker: KafkaBroker | undefined;
let topic: TopicCollector | undefined;
const replicas: RunningBundle[] = [];
const exits: string[] = [];

beforeAll(async () => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-failover-'));
  postgres = await startReplicatedPostgres({ dataRoot });
  const { primary } = postgres;
  const admin = new Client({ connectionString: primary.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE loms');
  await admin.end();
  await migrate(primary.url('loms'), 'loms');
  const seed = new Pool({ connectionString: primary.url('loms'), max: 1 });
  await setStock(
    seed,
    skus.flatMap((sku) => [1, 2].map((warehouseId) => ({ sku, warehouseId, total: unitsPerWarehouse }))),
  );
  await seed.end();

  proxy = await startTcpProxy({ host: '127.0.0.1', port: primary.port });
  const viaProxy = new URL(primary.url('loms'));
  viaProxy.port = String(proxy.port);
  broker = await startKafkaBroker();
  const env = {
    LOMS_DATABASE_URL: viaProxy.toString(),
    KAFKA_BROKERS: broker.brokers.join(','),
    OUTBOX_POLL_INTERVAL: '50ms',
    OUTBOX_SEND_TIMEOUT: '2s',
  };
  replicas.push(...(await Promise.all([spawnService({ name: 'loms', env }), spawnService({ name: 'loms', env })])));
  replicas.forEach((r, i) => void r.exited.then((how) => exits.push(`loms ${i} exited (${how})`)));
  topic = await collectTopic(broker.brokers, 'loms.order-status');
}, 90_000);

afterAll(async () => {
  await topic?.stop().catch(() => undefined);
  await Promise.all(replicas.map((r) => r.stop(3_000).catch(() => undefined)));
  await proxy?.close();
  await broker?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  if (dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
});

/** Replicas whose relay holds the leader lock. */
const relayLeaders = async () =>
  (await Promise.all(replicas.map((r) => scrapeMetric(r.adminPort, 'loms_outbox_relay_active')))).reduce((a, b) => a + b, 0);

interface AcknowledgedOrder {
  orderId: number;
  userId: number;
  paid: boolean;
  at: number;
}

describe('PostgreSQL primary killed under load, its synchronous standby promoted', () => {
  it('LOMS recovers without a restart and loses no acknowledged order, payment or event', async () => {
    const timeline = callTimeline();
    const creators = replicas.map((r) => lomsCaller(r.grpcPort, 'checkout'));
    const payers = replicas.map((r) => lomsCaller(r.grpcPort, 'payments'));
    const acknowledged: AcknowledgedOrder[] = [];
    const unexpected: string[] = [];
    let running = true;

    // Each lane orders again and again, every other order paid; a call that gets no answer is repeated (the
    // same idempotency key) until answered.
    const lane = async (n: number) => {
      const creator = creators[n % creators.length]!;
      const payer = payers[n % payers.length]!;
      const userId = 70_000 + n;
      for (let i = 0; running; i++) {
        const request = {
          userId,
          items: [{ sku: skus[(n + i) % skus.length]!, count: 1 + (i % 3) }],
          idempotencyKey: `failover-${n}-${i}`,
        };
        const created = await untilAnswered(() => timeline.note(() => creator.call((c) => c.createOrder, request, 3_000)));
        if (created.value?.status !== loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT) {
          unexpected.push(`create ${request.idempotencyKey}: ${created.error?.message ?? JSON.stringify(created.value)}`);
          continue;
        }
        const order = { orderId: created.value.orderId, userId, paid: false, at: Date.now() };
        acknowledged.push(order);
        if (i % 2 !== 0) continue;
        const paid = await untilAnswered(() => timeline.note(() => payer.call((c) => c.orderPayed, { orderId: order.orderId }, 3_000)));
        if (paid.error) unexpected.push(`pay ${order.orderId}: ${paid.error.message}`);
        else order.paid = true;
      }
    };
    const load = Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));

    const db = new Pool({ connectionString: postgres!.standby.url('loms'), max: 2 });
    try {
      await eventually(
        '100 acknowledged orders and their first events on the topic',
        async () => ({ orders: acknowledged.length, events: topic!.messages.length }),
        (s) => s.orders >= 100 && s.events > 0,
        30_000,
      );
      expect(await relayLeaders()).toBe(1);
      expect(proxy!.openConnections()).toBeGreaterThan(0);

      const killedAt = Date.now();
      await postgres!.primary.crash();
      await postgres!.promoteStandby();
      const promotedAt = Date.now();
      proxy!.switchTo({ host: '127.0.0.1', port: postgres!.standby.port });
      const switchedAt = Date.now();
      await eventually(
        '100 orders acknowledged after the switch',
        async () => acknowledged.filter((o) => o.at > switchedAt).length,
        (n) => n >= 100,
        windowBoundMs + 15_000,
      );
      running = false;
      await load;

      expect(unexpected).toEqual([]);
      // The same processes throughout, ready again, one relay leading on the new primary.
      expect(exits).toEqual([]);
      for (const r of replicas) await waitForReady('loms', r.adminPort, 15_000);
      await eventually('one relay leading again', relayLeaders, (n) => n === 1, 20_000, 200);

      // Every order a caller was told about is on the new primary as it was told, paid when the payment was acknowledged.
      const { rows } = await db.query<{ id: string; user_id: string; status: string }>(
        'SELECT id, user_id, status FROM orders WHERE id = ANY ($1::bigint[])',
        [acknowledged.map((o) => o.orderId)],
      );
      const stored = new Map(rows.map((r) => [Number(r.id), { userId: Number(r.user_id), status: r.status }]));
      const differing = acknowledged.filter((o) => {
        const row = stored.get(o.orderId);
        return row?.userId !== o.userId || row.status !== (o.paid ? 'PAYED' : 'AWAITING_PAYMENT');
      });
      expect(differing.map((o) => ({ ...o, stored: stored.get(o.orderId) }))).toEqual([]);
      expect(await brokenStockInvariants(db, new Map(skus.map((sku) => [sku, 2 * unitsPerWarehouse])))).toEqual([]);

      // No event lost: the outbox drains, holds each acknowledged order's events, and each is on the topic.
      await eventually(
        'an empty outbox',
        () => unpublishedCount(db),
        (n) => n === 0,
        30_000,
      );
      const events = await outboxEvents(db);
      const eventsOf = new Map<number, Set<string>>();
      for (const e of events) eventsOf.set(e.orderId, (eventsOf.get(e.orderId) ?? new Set()).add(e.status));
      const withoutEvents = acknowledged.filter((o) => {
        const statuses = eventsOf.get(o.orderId);
        return !statuses?.has('AWAITING_PAYMENT') || (o.paid && !statuses.has('PAYED'));
      });
      expect(withoutEvents).toEqual([]);
      const onTopic = () => new Set(topic!.messages.map((m) => m.headers.ce_id ?? ''));
      await topic!.waitFor('every outbox event on the topic', () => events.every((e) => onTopic().has(e.eventId)), 30_000);

      const window = failureWindow(timeline.answers, killedAt, switchedAt);
      const failed = timeline.answers.filter((a) => !a.ok);
      const outboxIds = new Set(events.map((e) => e.eventId));
      report('postgres failover', {
        failureWindowMs: window?.windowMs,
        longestWithoutSuccessMs: longestWithoutSuccessMs(timeline.answers),
        killToPromotedMs: promotedAt - killedAt,
        switchToFirstSuccessMs: window ? window.firstSuccessAt - switchedAt : undefined,
        failedCalls: failed.length,
        failedCodes: Object.fromEntries(
          [...new Set(failed.map((a) => a.code))].map((code) => [
            grpc.status[code ?? -1] ?? String(code),
            failed.filter((a) => a.code === code).length,
          ]),
        ),
        acknowledgedOrders: acknowledged.length,
        acknowledgedPayments: acknowledged.filter((o) => o.paid).length,
        orderEvents: events.length,
        republishedEvents: topic!.messages.length - onTopic().size,
        eventsNotInNewPrimary: [...onTopic()].filter((id) => !outboxIds.has(id)).length,
      });
      expect(failed.length).toBeGreaterThan(0);
      expect(window, 'a failed call after the kill and a successful one after the switch').toBeDefined();
      expect(window!.windowMs).toBeLessThan(windowBoundMs);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n${exits.join('\n')}\n` +
          replicas.map((r, i) => `--- loms ${i} ---\n${r.output().split('\n').slice(-20).join('\n')}`).join('\n'),
      );
    } finally {
      running = false;
      await load.catch(() => undefined);
      await db.end();
      for (const c of [...creators, ...payers]) c.close();
    }
  }, 120_000);
});
