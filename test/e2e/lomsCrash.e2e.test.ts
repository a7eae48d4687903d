// kill -9 of LOMS (a real child process) in the middle of load while its relay publishes: nothing is lost, nothing recorded twice.
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationsHandle } from '../../services/notifications/src/startNotifications';
import { freePort, type KafkaBroker, type RunningBundle, startKafkaBroker, waitForReady } from '@shop/devstack';
import { collectTopic, eventually, freshDatabase, scrapeMetric, spawnService, type TopicCollector } from '@shop/testkit';
import { lomsCaller } from './support/grpcClients';
import { startInProcessNotifications } from './support/inProcess';
import { brokenStockInvariants, outboxEvents, recordedNotifications, setStock, stockTotals, unpublishedCount } from './support/lomsChecks';
import { latencySummary, report, statusToNotificationLatencies } from './support/measurements';
import { runOrderLoad } from './support/orderLoad';

const topic = 'loms.order-status';
let broker: KafkaBroker | undefined;
let notificationsService: NotificationsHandle | undefined;
let collector: TopicCollector | undefined;
const lomsProcesses: RunningBundle[] = [];
let lomsPool: Pool | undefined;
let notificationsPool: Pool | undefined;
let lomsEnv: Record<string, string>;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const [lomsUrl, notificationsUrl] = await Promise.all([freshDatabase('loms'), freshDatabase('notifications')]);
  lomsPool = new Pool({ connectionString: lomsUrl, max: 2 });
  notificationsPool = new Pool({ connectionString: notificationsUrl, max: 2 });
  await setStock(lomsPool, [
    ...[1, 2, 3].flatMap((sku) => [1, 2, 3].map((warehouseId) => ({ sku, warehouseId, total: 10_000 }))),
    // Scarce: runs out during the load, so some orders fail and some reservations span warehouses.
    { sku: 4, warehouseId: 1, total: 60 },
    { sku: 4, warehouseId: 2, total: 40 },
  ]);
  lomsEnv = {
    LOMS_DATABASE_URL: lomsUrl,
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
    OUTBOX_POLL_INTERVAL: '20ms',
    OUTBOX_SEND_TIMEOUT: '2s',
    CANCELLER_INTERVAL: '200ms',
    STUCK_NEW_ORDER_AFTER: '2s',
  };
  [notificationsService, collector] = await Promise.all([
    startInProcessNotifications({
      NOTIFICATIONS_DATABASE_URL: notificationsUrl,
      KAFKA_BROKERS: broker.brokers.join(','),
      ORDER_STATUS_TOPIC: topic,
    }),
    collectTopic(broker.brokers, topic),
  ]);
  await waitForReady('notifications', notificationsService.adminPort, 20_000);
}, 90_000);

afterAll(async () => {
  for (const p of lomsProcesses) await p.stop(2_000).catch(() => undefined);
  await collector?.stop().catch(() => undefined);
  await notificationsService?.stop().catch(() => undefined);
  await lomsPool?.end();
  await notificationsPool?.end();
  await broker?.stop();
});

describe('LOMS killed with SIGKILL in the middle of load', () => {
  it('delivers every committed status change to Notifications exactly once, drains its outbox and keeps stock consistent', async () => {
    const initialTotals = await stockTotals(lomsPool!);
    const ports = { grpcPort: await freePort(), adminPort: await freePort() };
    lomsProcesses.push(await spawnService({ name: 'loms', env: lomsEnv, ...ports }));
    const client = lomsCaller(ports.grpcPort);
    const orders = 300;
    let finished = 0;
    try {
      const loadStarted = Date.now();
      const load = runOrderLoad(client, {
        shoppers: 6,
        orders,
        userIdBase: 5_000,
        keyPrefix: 'crash',
        onOrder: () => (finished += 1),
      });

      // Kill once a good part of the load is in and the relay is busy publishing it.
      await eventually(
        'a third of the orders',
        async () => finished,
        (n) => n >= orders / 3,
        60_000,
        10,
      );
      const first = lomsProcesses[0]!;
      first.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const killedAt = Date.now();
      const finishedAtKill = finished;
      const publishedAtKill = (await outboxEvents(lomsPool!)).filter((e) => e.publishedAt !== null).length;
      // The kill came in the middle: orders were still to come, and the relay had been publishing.
      expect(finishedAtKill).toBeLessThan(orders);
      expect(publishedAtKill).toBeGreaterThan(0);

      lomsProcesses.push(await spawnService({ name: 'loms', env: lomsEnv, ...ports }));
      const restartedAt = Date.now();
      const result = await load;
      const loadEndedAt = Date.now();
      expect(result.unexpected).toEqual([]);
      expect(result.created + result.failed).toBe(orders);
      // Calls were in flight or on their way when LOMS died: the shoppers felt the crash and rode it out.
      expect(result.retries).toBeGreaterThan(0);

      await eventually(
        'an empty outbox',
        () => unpublishedCount(lomsPool!),
        (n) => n === 0,
        30_000,
      );
      const events = await outboxEvents(lomsPool!);
      const wanted = new Set(events.map((e) => e.eventId));
      const recorded = await eventually(
        'every outbox event recorded by Notifications',
        () => recordedNotifications(notificationsPool!),
        (rows) => rows.length >= wanted.size,
        30_000,
      );
      const convergedAt = Date.now();

      // Every committed status change reached Notifications, and only those, each once.
      expect(recorded).toHaveLength(events.length);
      expect(new Set(recorded.map((n) => n.eventId))).toEqual(wanted);
      // In order per order: each order's notifications were recorded in the order of its outbox events.
      const outboxOrder = groupStatuses(events);
      const recordedOrder = groupStatuses(recorded);
      expect(recordedOrder).toEqual(outboxOrder);

      // Invariants 1, 2 (with write-offs exactly once) and 4.
      expect(await brokenStockInvariants(lomsPool!, initialTotals)).toEqual([]);

      // At-least-once on the topic: whatever the crash made the relay send twice, Notifications absorbed.
      await collector!.waitFor('every event on the topic', (ms) => new Set(ms.map((m) => eventIdOf(m.value))).size >= wanted.size, 20_000);
      const onTopic = collector!.messages.length;
      const duplicatesOnTopic = onTopic - new Set(collector!.messages.map((m) => eventIdOf(m.value))).size;
      // Every message on the topic was handled by Notifications as new or as a repeat, none dropped otherwise;
      // each event was stored once, and each repeat the crash put on the topic was recognised as one.
      const handled = await eventually(
        'Notifications to have handled every message on the topic',
        async () => ({
          recorded: await scrapeMetric(notificationsService!.adminPort, 'notifications_recorded_total'),
          deduplicated: await scrapeMetric(notificationsService!.adminPort, 'notifications_deduplicated_total'),
          superseded: await scrapeMetric(notificationsService!.adminPort, 'notifications_superseded_total'),
        }),
        (m) => m.recorded + m.deduplicated + m.superseded >= onTopic,
        20_000,
      );
      const deduplicated = handled.deduplicated;
      expect(handled.recorded).toBe(events.length);
      expect(deduplicated).toBeGreaterThanOrEqual(duplicatesOnTopic);

      const firstLife = events.filter((e) => e.occurredAt.getTime() < killedAt);
      const published = events.map((e) => e.publishedAt?.getTime() ?? 0).filter((t) => t > 0 && t < killedAt);
      report('loms crash', {
        orders,
        statusChanges: events.length,
        load: {
          ...result,
          unexpected: result.unexpected.length,
          ordersPerSecond: round((orders / (loadEndedAt - loadStarted)) * 1_000),
        },
        killedAfterOrders: finishedAtKill,
        publishedBeforeKill: publishedAtKill,
        relayEventsPerSecondBeforeKill: round((published.length / Math.max(1, Math.max(...published) - Math.min(...published))) * 1_000),
        lomsRestartMs: restartedAt - killedAt,
        convergedAfterLoadMs: convergedAt - loadEndedAt,
        convergedAfterKillMs: convergedAt - killedAt,
        duplicatesOnTopic,
        notificationsDeduplicatedTotal: deduplicated,
        latencyBeforeKill: latencySummary(statusToNotificationLatencies(firstLife, recorded)),
        latencyAll: latencySummary(statusToNotificationLatencies(events, recorded)),
      });
    } finally {
      client.close();
    }
  }, 120_000);
});

const eventIdOf = (value: string) => (JSON.parse(value) as { eventId: string }).eventId;
const round = (n: number) => Math.round(n * 10) / 10;

function groupStatuses(rows: { orderId: number; status: string }[]): Record<number, string[]> {
  const byOrder: Record<number, string[]> = {};
  for (const r of rows) (byOrder[r.orderId] ??= []).push(r.status);
  return byOrder;
}
