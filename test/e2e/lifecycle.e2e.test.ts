// The order life cycle end to end: LOMS (relay, canceller) → local Kafka-protocol broker → Notifications → ListNotifications.
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LomsHandle } from '../../services/loms/src/startLoms';
import type { NotificationsHandle } from '../../services/notifications/src/startNotifications';
import { type KafkaBroker, startKafkaBroker, waitForReady } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { lomsCaller, notificationHistory, notificationsCaller, statusName, type Caller } from './support/grpcClients';
import { startInProcessLoms, startInProcessNotifications } from './support/inProcess';
import { outboxEvents, setStock } from './support/lomsChecks';
import { latencySummary, report, statusToNotificationLatencies } from './support/measurements';
import type { loms, notifications } from '@shop/proto';

let broker: KafkaBroker | undefined;
let lomsService: LomsHandle | undefined;
let notificationsService: NotificationsHandle | undefined;
let lomsPool: Pool | undefined;
let lomsClient: Caller<loms.LomsServiceClient>;
let notificationsClient: Caller<notifications.NotificationsServiceClient>;
const paymentTimeoutMs = 2_000;
const cancellerIntervalMs = 200;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const lomsUrl = await freshDatabase('loms');
  lomsPool = new Pool({ connectionString: lomsUrl, max: 2 });
  await setStock(lomsPool, [{ sku: 1, warehouseId: 1, total: 100 }]);
  const kafka = { KAFKA_BROKERS: broker.brokers.join(',') };
  [lomsService, notificationsService] = await Promise.all([
    startInProcessLoms({
      ...kafka,
      LOMS_DATABASE_URL: lomsUrl,
      ORDER_PAYMENT_TIMEOUT: `${paymentTimeoutMs}ms`,
      CANCELLER_INTERVAL: `${cancellerIntervalMs}ms`,
    }),
    freshDatabase('notifications').then((url) =>
      startInProcessNotifications({
        ...kafka,
        NOTIFICATIONS_DATABASE_URL: url,
      }),
    ),
  ]);
  lomsClient = lomsCaller(lomsService.grpcPort);
  notificationsClient = notificationsCaller(notificationsService.grpcPort);
  // Start once the consumer has joined its group, so that latencies measure the pipeline, not the join.
  await waitForReady('notifications', notificationsService.adminPort, 20_000);
});

afterAll(async () => {
  lomsClient?.close();
  notificationsClient?.close();
  await notificationsService?.stop().catch(() => undefined);
  await lomsService?.stop().catch(() => undefined);
  await lomsPool?.end();
  await broker?.stop();
});

const create = (userId: number, count: number) =>
  lomsClient.call((c) => c.createOrder, {
    userId,
    items: [{ sku: 1, count }],
    idempotencyKey: '',
  });

/** Waits until the user's history holds `count` notifications; returns it oldest first. */
const historyOf = (userId: number, count: number) =>
  eventually(
    `${count} notifications of user ${userId}`,
    () => notificationHistory(notificationsClient, userId),
    (h) => h.length >= count,
    20_000,
  );

async function expectHistory(userId: number, orderId: number, statuses: string[]): Promise<void> {
  const history = await historyOf(userId, statuses.length);
  // Nothing more arrives a moment later: each change is listed once.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const settled = await notificationHistory(notificationsClient, userId);
  expect(settled.map((n) => [n.orderId, statusName(n.status)])).toEqual(statuses.map((s) => [orderId, s]));
  expect(settled.map((n) => n.eventId)).toEqual(history.map((n) => n.eventId));
  const outbox = (await outboxEvents(lomsPool!)).filter((e) => e.orderId === orderId);
  expect(settled.map((n) => n.eventId)).toEqual(outbox.map((e) => e.eventId));
}

describe('an order from creation to its last status, as the user is notified of it', () => {
  it('notifies AWAITING_PAYMENT then PAYED, once each, for a paid order', async () => {
    const { orderId } = await create(101, 2);
    await lomsClient.call((c) => c.orderPayed, { orderId });
    await expectHistory(101, orderId, ['AWAITING_PAYMENT', 'PAYED']);
  });

  it('notifies AWAITING_PAYMENT then CANCELLED, once each, for a cancelled order', async () => {
    const { orderId } = await create(102, 3);
    await lomsClient.call((c) => c.cancelOrder, { orderId });
    await expectHistory(102, orderId, ['AWAITING_PAYMENT', 'CANCELLED']);
  });

  it('cancels an order unpaid past its deadline and notifies AWAITING_PAYMENT then CANCELLED', async () => {
    const created = await create(103, 4);
    const deadline = created.paymentDeadline?.getTime() ?? 0;
    await expectHistory(103, created.orderId, ['AWAITING_PAYMENT', 'CANCELLED']);
    const { order } = await lomsClient.call((c) => c.getOrder, {
      orderId: created.orderId,
    });
    expect(statusName(order!.status)).toBe('CANCELLED');
    // Invariant 4: cancelled no later than the deadline plus one canceller interval (and some scheduling slack).
    const cancelledAt = order!.updatedAt?.getTime() ?? 0;
    expect(cancelledAt).toBeGreaterThanOrEqual(deadline);
    report('lifecycle: expiry', {
      cancelledAfterDeadlineMs: cancelledAt - deadline,
      cancellerIntervalMs,
    });
    expect(cancelledAt - deadline).toBeLessThan(cancellerIntervalMs + 1_500);
  });

  it('notifies FAILED once for an order that cannot be reserved', async () => {
    const failure = await create(104, 1_000).then(
      () => undefined,
      (err: grpc.ServiceError) => err,
    );
    expect(failure?.code).toBe(grpc.status.FAILED_PRECONDITION);
    const { orders } = await lomsClient.call((c) => c.listOrders, {
      userId: 104,
      pageSize: 10,
      pageToken: '',
    });
    expect(orders.map((o) => statusName(o.status))).toEqual(['FAILED']);
    await expectHistory(104, orders[0]!.orderId, ['FAILED']);
  });

  it('reports how long a status change takes to become a notification', async () => {
    const { rows } = await notificationsPoolQuery();
    const latencies = statusToNotificationLatencies(await outboxEvents(lomsPool!), rows);
    report('lifecycle: status change → notification', latencySummary(latencies));
    expect(latencies.length).toBeGreaterThanOrEqual(7);
  });
});

/** The notifications of every user in the test, with the time each was recorded, through the public API. */
async function notificationsPoolQuery(): Promise<{
  rows: { eventId: string; createdAt: Date }[];
}> {
  const histories = await Promise.all([101, 102, 103, 104].map((u) => notificationHistory(notificationsClient, u)));
  return {
    rows: histories.flat().map((n) => ({
      eventId: n.eventId,
      createdAt: n.createdAt ?? new Date(0),
    })),
  };
}
