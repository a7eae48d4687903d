// Notifications' own Prometheus metrics (names in docs/metrics.md).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const deadLetterKinds = ['unreadable', 'invalid', 'rejected'] as const;
export type DeadLetterKind = (typeof deadLetterKinds)[number];

export interface NotificationsMetrics {
  recorded(): void;
  deduplicated(): void;
  delivered(channel: string): void;
  deliveryFailed(channel: string): void;
  deadLettered(kind: DeadLetterKind): void;
  versionGap(): void;
  superseded(): void;
  /** A consumer member that kafkajs gave up on was replaced by a new one. */
  memberReplaced(): void;
  consumerLag(partition: number, messages: number): void;
  /** Messages of one slice of a fetched batch, recorded by one transaction. */
  consumedBatch(messages: number): void;
}

export function createNotificationsMetrics(registry: Registry): NotificationsMetrics {
  const lag = new Gauge({
    name: 'notifications_consumer_lag_messages',
    help: 'Messages behind the end of each partition of the order status topic',
    labelNames: ['partition'],
    registers: [registry],
  });
  const consumedBatchSize = new Histogram({
    name: 'notifications_consumed_batch_size',
    help: 'Messages of the order status topic handled together: recorded by one transaction, then committed',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const recorded = new Counter({
    name: 'notifications_recorded_total',
    help: 'Order status events stored as new notifications',
    registers: [registry],
  });
  const deduplicated = new Counter({
    name: 'notifications_deduplicated_total',
    help: 'Order status events received again and ignored (already recorded)',
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'notifications_delivered_total',
    help: 'Notifications a channel accepted',
    labelNames: ['channel'],
    registers: [registry],
  });
  const deliveryFailed = new Counter({
    name: 'notifications_delivery_failed_total',
    help: 'Deliveries that failed after their retries and were rescheduled',
    labelNames: ['channel'],
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'notifications_dead_lettered_total',
    help: 'Messages sent to the dead-letter topic, by kind (unreadable: not an OrderStatusChanged in JSON; invalid: fields break the contract; rejected: the database refused its values)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const versionGaps = new Counter({
    name: 'notifications_version_gaps_total',
    help: 'Events recorded while versions of their order before them had not arrived (each such event counts once)',
    registers: [registry],
  });
  const superseded = new Counter({
    name: 'notifications_superseded_total',
    help: "Events older than their order's latest recorded version: kept for deduplication, neither listed nor delivered",
    registers: [registry],
  });
  const membersReplaced = new Counter({
    name: 'notifications_consumer_members_replaced_total',
    help: 'Consumer group members replaced by a new one after kafkajs gave up on them (an error it does not retry)',
    registers: [registry],
  });
  // Every series exists from the start, so that increase() sees the first event after a restart.
  for (const kind of deadLetterKinds) deadLettered.inc({ kind }, 0);
  for (const channel of ['log', 'webhook']) {
    delivered.inc({ channel }, 0);
    deliveryFailed.inc({ channel }, 0);
  }
  return {
    recorded: () => recorded.inc(),
    deduplicated: () => deduplicated.inc(),
    delivered: (channel) => delivered.inc({ channel }),
    deliveryFailed: (channel) => deliveryFailed.inc({ channel }),
    deadLettered: (kind) => deadLettered.inc({ kind }),
    versionGap: () => versionGaps.inc(),
    superseded: () => superseded.inc(),
    memberReplaced: () => membersReplaced.inc(),
    consumerLag: (partition, messages) => lag.set({ partition: String(partition) }, messages),
    consumedBatch: (messages) => consumedBatchSize.observe(messages),
  };
}
