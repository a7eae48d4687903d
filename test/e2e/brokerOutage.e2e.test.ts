// The broker goes down while LOMS keeps taking orders: once it is back, every status change reaches Notifications once.
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LomsHandle } from '../../services/loms/src/startLoms';
import type { NotificationsHandle } from '../../services/notifications/src/startNotifications';
import { type KafkaBroker, startKafkaBroker, waitForReady } from '@shop/devstack';
import { eventually, freshDatabase, scrapeMetric, sleep } from '@shop/testkit';
import { lomsCaller, notificationHistory, notificationsCaller, statusName } from './support/grpcClients';
import { startInProcessLoms, startInProcessNotifications } from './support/inProcess';
import { brokenStockInvariants, outboxEvents, recordedNotifications, setStock, unpublishedCount } from './support/lomsChecks';
import { latencySummary, report, statusToNotificationLatencies } from './support/measurements';

let broker: KafkaBroker | undefined;
let lomsService: LomsHandle | undefined;
let notificationsService: NotificationsHandle | undefined;
let lomsPool: Pool | undefined;
let notificationsPool: Pool | undefined;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const [lomsUrl, notificationsUrl] = await Promise.all([freshDatabase('loms'), freshDatabase('notifications')]);
  lomsPool = new Pool({ connectionString: lomsUrl, max: 2 });
  notificationsPool = new Pool({ connectionString: notificationsUrl, max: 2 });
  await setStock(lomsPool, [{ sku: 1, warehouseId: 1, total: 10_000 }]);
  const kafka = { KAFKA_BROKERS: broker.brokers.join(',') };
  [lomsService, notificationsService] = await Promise.all([
    startInProcessLoms({ ...kafka, LOMS_DATABASE_URL: lomsUrl }),
    startInProcessNotifications({
      ...kafka,
      NOTIFICATIONS_DATABASE_URL: notificationsUrl,
    }),
  ]);
  await waitForReady('notifications', notificationsService.adminPort, 20_000);
});

afterAll(async () => {
  await notificationsService?.stop().catch(() => undefined);
  await lomsService?.stop().catch(() => undefined);
  await lomsPool?.end();
  await notificationsPool?.end();
  await broker?.stop();
});

describe('a broker outage, end to end', () => {
  it('delivers all 200 status changes made during the outage to Notifications once each and drains the outbox', async () => {
    const loms = lomsCaller(lomsService!.grpcPort);
    const notifications = notificationsCaller(notificationsService!.grpcPort);
    const userId = 77;
    try {
      await broker!.setDown();
      const downAt = Date.now();
      const orderIds: number[] = [];
      // 100 orders created and paid: 200 status changes, from 4 concurrent shoppers.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 25; i += 1) {
            const { orderId } = await loms.call((c) => c.createOrder, {
              userId,
              items: [{ sku: 1, count: 1 }],
              idempotencyKey: '',
            });
            await loms.call((c) => c.orderPayed, { orderId });
            orderIds.push(orderId);
          }
        }),
      );
      const changesDoneMs = Date.now() - downAt;
      expect(await unpublishedCount(lomsPool!)).toBe(200);
      // Stay down past the consumer's session timeout, so that the group itself has to recover.
      await sleep(Math.max(0, 6_000 - changesDoneMs));
      const notifiedDuringOutage = await recordedNotifications(notificationsPool!);
      expect(notifiedDuringOutage).toHaveLength(0);

      await broker!.setUp();
      const upAt = Date.now();
      await eventually(
        'an empty outbox',
        () => unpublishedCount(lomsPool!),
        (n) => n === 0,
        60_000,
      );
      const drainedAt = Date.now();
      const events = await outboxEvents(lomsPool!);
      expect(events).toHaveLength(200);
      const recorded = await eventually(
        '200 notifications',
        () => recordedNotifications(notificationsPool!),
        (rows) => rows.length >= 200,
        60_000,
      );
      const convergedAt = Date.now();
      await sleep(500);

      // Every event once, through the public API too; in order per order.
      const history = await notificationHistory(notifications, userId);
      expect(history).toHaveLength(200);
      expect(new Set(history.map((n) => n.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
      for (const orderId of orderIds) {
        expect(history.filter((n) => n.orderId === orderId).map((n) => statusName(n.status))).toEqual(['AWAITING_PAYMENT', 'PAYED']);
      }
      expect(await brokenStockInvariants(lomsPool!)).toEqual([]);

      const published = events.map((e) => e.publishedAt!.getTime());
      report('broker outage', {
        statusChanges: events.length,
        outageMs: upAt - downAt,
        outboxDrainedAfterUpMs: drainedAt - upAt,
        relayPublishBatches: new Set(published).size,
        relayDrainSpanMs: Math.max(...published) - Math.min(...published),
        allNotifiedAfterUpMs: convergedAt - upAt,
        notificationsDeduplicatedTotal: await scrapeMetric(notificationsService!.adminPort, 'notifications_deduplicated_total'),
        latencyIncludingOutage: latencySummary(statusToNotificationLatencies(events, recorded)),
      });
    } finally {
      loms.close();
      notifications.close();
    }
  }, 120_000);
});
