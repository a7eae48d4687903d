// Per-order event versions through the running service: gaps counted, late older events never shown as the latest,
// duplicates deduplicated by event id or by version; CloudEvents headers accepted.
import { loms } from '@shop/proto';
import type { Message, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId, type Status } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;

beforeAll(async () => {
  broker = await startKafkaBroker();
  producer = await connectProducer(testKafka(broker.brokers));
  service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications'),
    KAFKA_BROKERS: broker.brokers.join(','),
    ORDER_STATUS_TOPIC: topic,
  });
});

afterAll(async () => {
  await service?.stop();
  await producer?.disconnect();
  await broker?.stop();
});

const statusOf = (name: Status) => loms.orderStatusFromJSON(`ORDER_STATUS_${name}`);

/** Sends the messages one at a time, each once the one before it has been handled (so the arrival order is certain). */
async function sendInOrder(messages: Message[]): Promise<void> {
  for (const message of messages) {
    const handled = await handledCount();
    await producer.send({ topic, messages: [message] });
    await eventually('the message handled', handledCount, (n) => n > handled);
  }
}
const handledCount = async () =>
  (
    await Promise.all(
      ['notifications_recorded_total', 'notifications_deduplicated_total', 'notifications_superseded_total'].map((m) => service.metric(m)),
    )
  ).reduce((a, b) => a + b, 0);

describe('event versions', () => {
  it('counts a gap, and keeps the newer status the latest when the missing older event arrives after it', async () => {
    const userId = uniqueUserId();
    const orderId = 5_001;
    const created = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const paid = statusEvent({ orderId, userId, status: 'PAYED', version: 3 });
    const lateCancel = statusEvent({ orderId, userId, status: 'CANCELLED', version: 2 });
    const gapsBefore = await service.metric('notifications_version_gaps_total');

    await sendInOrder([messageOf(created), messageOf(paid)]);
    expect(await service.metric('notifications_version_gaps_total')).toBe(gapsBefore + 1);
    await sendInOrder([messageOf(lateCancel)]);

    const history = await service.listAll(userId, 10);
    expect(history.map((n) => n.eventId)).toEqual([paid.eventId, created.eventId]);
    expect(history[0]?.status).toBe(statusOf('PAYED'));
    expect(await service.metric('notifications_superseded_total')).toBeGreaterThanOrEqual(1);
    // Filling the gap is not a new gap.
    expect(await service.metric('notifications_version_gaps_total')).toBe(gapsBefore + 1);
  });

  it('never shows an older status as the latest when two versions arrive the wrong way round', async () => {
    const userId = uniqueUserId();
    const orderId = 5_002;
    const paid = statusEvent({ orderId, userId, status: 'PAYED', version: 2 });
    const awaiting = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const supersededBefore = await service.metric('notifications_superseded_total');

    await sendInOrder([messageOf(paid), messageOf(awaiting)]);

    const history = await service.listAll(userId, 10);
    expect(history.map((n) => [n.eventId, n.status])).toEqual([[paid.eventId, statusOf('PAYED')]]);
    expect(await service.metric('notifications_superseded_total')).toBe(supersededBefore + 1);
    // Delivered once, and the late one never (the log channel marks what it delivered).
    await eventually(
      'the paid notification delivered',
      () => service.listAll(userId, 10),
      (all) => all[0]?.deliveredAt !== undefined,
    );
  });

  it('deduplicates an event sent again, and another event id for a version already recorded', async () => {
    const userId = uniqueUserId();
    const orderId = 5_003;
    const created = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const sameVersion = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const dedupBefore = await service.metric('notifications_deduplicated_total');
    const gapsBefore = await service.metric('notifications_version_gaps_total');

    await sendInOrder([messageOf(created), messageOf(created), messageOf(sameVersion)]);

    expect((await service.listAll(userId, 10)).map((n) => n.eventId)).toEqual([created.eventId]);
    expect(await service.metric('notifications_deduplicated_total')).toBe(dedupBefore + 2);
    expect(await service.metric('notifications_version_gaps_total')).toBe(gapsBefore);
  });

  it('records unnumbered events (version 0) as they come, as before versions existed', async () => {
    const userId = uniqueUserId();
    const orderId = 5_004;
    const created = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 0 });
    const paid = statusEvent({ orderId, userId, status: 'PAYED', version: 0 });
    const gapsBefore = await service.metric('notifications_version_gaps_total');

    await sendInOrder([messageOf(created), messageOf(paid)]);

    expect((await service.listAll(userId, 10)).map((n) => n.eventId)).toEqual([paid.eventId, created.eventId]);
    expect(await service.metric('notifications_version_gaps_total')).toBe(gapsBefore);
  });

  it('accepts the CloudEvents binary-mode headers, and dead-letters an event whose ce_id names another event', async () => {
    const userId = uniqueUserId();
    const orderId = 5_005;
    const created = statusEvent({ orderId, userId, status: 'AWAITING_PAYMENT', version: 1 });
    const paid = statusEvent({ orderId, userId, status: 'PAYED', version: 2 });
    const cloudEvent = (eventId: string, ceId = eventId): Message => {
      const message = messageOf(eventId === created.eventId ? created : paid);
      return {
        ...message,
        headers: {
          ...message.headers,
          ce_specversion: '1.0',
          ce_id: ceId,
          ce_source: 'loms',
          ce_type: 'shop.order.status_changed.v1',
          ce_subject: String(orderId),
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
        },
      };
    };
    const unreadableBefore = await service.metric('notifications_dead_lettered_total{kind="unreadable"}');

    await sendInOrder([cloudEvent(created.eventId)]);
    await producer.send({ topic, messages: [cloudEvent(paid.eventId, created.eventId)] });
    await eventually(
      'the mismatched event dead-lettered',
      () => service.metric('notifications_dead_lettered_total{kind="unreadable"}'),
      (n) => n === unreadableBefore + 1,
    );

    expect((await service.listAll(userId, 10)).map((n) => n.eventId)).toEqual([created.eventId]);
  });
});
