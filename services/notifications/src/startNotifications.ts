// Composition of Notifications: Kafka consumer, delivery worker and gRPC service, started by the platform's startService.
import {
  coalescer,
  createKafka,
  createTokenVerifier,
  shopperTokens,
  shopperTokenSettings,
  startService,
  type Logger,
} from '@shop/platform';
import { notifications as api } from '@shop/proto';
import { claimDueNotifications, deliverNotification, type DeliverDueDeps, type DeliveryChannel } from './app/deliverDueNotifications';
import type { DeliveryOutcome } from './app/ports';
import { recordStatusChanges } from './app/recordStatusChanges';
import { logChannel } from './channels/logChannel';
import { webhookChannel } from './channels/webhookChannel';
import type { NotificationsConfig } from './config';
import { createNotificationsMetrics } from './observability/metrics';
import { serviceName } from './serviceName';
import { notificationsStore } from './storage/notifications';
import { notificationsService } from './transport/grpc/notificationsService';
import { startStatusConsumer } from './transport/kafka/consumer';
import { createDeadLetters } from './transport/kafka/deadLetters';
import { startDeliveryWorker } from './workers/startDeliveryWorker';

export interface NotificationsHandle {
  grpcPort: number;
  adminPort: number;
  stop(): Promise<void>;
}

export interface NotificationsOptions {
  /** The consumer stopped for good; main exits so that the process is restarted. Default: log only. */
  onFatal?: (err: Error) => void;
}

export function startNotifications(
  config: NotificationsConfig,
  logger: Logger,
  options: NotificationsOptions = {},
): Promise<NotificationsHandle> {
  return startService({
    name: serviceName,
    config,
    logger,
    database: { url: config.NOTIFICATIONS_DATABASE_URL },
    build: async ({ db, registry }) => {
      const metrics = createNotificationsMetrics(registry);
      const channel: DeliveryChannel = config.NOTIFY_WEBHOOK_URL
        ? webhookChannel({
            url: config.NOTIFY_WEBHOOK_URL,
            // The schema refuses a webhook URL without a secret; this only tells the type checker.
            secret: config.NOTIFY_WEBHOOK_SECRET ?? '',
            attemptTimeoutMs: config.WEBHOOK_TIMEOUT,
            maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
            backoffMs: config.WEBHOOK_BACKOFF,
          })
        : logChannel(logger.child({ channel: 'log' }));
      // One delivery, every attempt and pause included, is abandoned after this; a claimed row starts delivering at once,
      // so its lease need outlast only that, with room for the statements around it and for clocks that disagree.
      const deliveryTimeoutMs =
        config.WEBHOOK_MAX_ATTEMPTS * config.WEBHOOK_TIMEOUT +
        config.WEBHOOK_BACKOFF * (2 ** (config.WEBHOOK_MAX_ATTEMPTS - 1) - 1) +
        1_000;
      // Outcomes of deliveries that end while one is being stored go together in the next statement.
      const recordOutcome = coalescer<DeliveryOutcome, void>({
        run: async (batch) => {
          await notificationsStore.recordDeliveryOutcomes(db.pool, batch);
          return batch.map(() => undefined);
        },
        maxBatch: config.DELIVERY_CONCURRENCY,
        maxInFlight: 1,
        // Each delivery in flight waits for its one outcome: the queue never holds more.
        maxWaiting: config.DELIVERY_CONCURRENCY,
        resource: 'delivery outcomes',
      });
      const deliveryDeps: DeliverDueDeps = {
        db: db.pool,
        notifications: notificationsStore,
        recordOutcome,
        channel,
        metrics,
        logger,
        clock: () => new Date(),
        redelivery: { firstDelayMs: config.REDELIVERY_INTERVAL, maxDelayMs: config.REDELIVERY_MAX_DELAY },
        deliveryTimeoutMs,
        leaseMs: deliveryTimeoutMs + 30_000,
      };
      const delivery = startDeliveryWorker({
        claim: (limit) => claimDueNotifications(deliveryDeps, limit),
        deliver: (notification, signal) => deliverNotification(deliveryDeps, notification, signal),
        concurrency: config.DELIVERY_CONCURRENCY,
        batchSize: config.DELIVERY_BATCH_SIZE,
        intervalMs: config.REDELIVERY_INTERVAL,
        logger,
      });

      const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, logger });
      const consumer = startStatusConsumer({
        kafka,
        groupId: config.KAFKA_GROUP_ID,
        topic: config.ORDER_STATUS_TOPIC,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT,
        fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT,
        recordBatch: (candidates) =>
          recordStatusChanges(
            {
              db: db.pool,
              inTransaction: db.inTransaction,
              notifications: notificationsStore,
              metrics,
              onRecorded: () => delivery.wake(),
            },
            candidates,
            new Date(),
          ),
        maxRecordBatch: config.RECORD_BATCH_SIZE,
        onBatch: metrics.consumedBatch,
        deadLetters: createDeadLetters(kafka, { timeoutMs: 10_000 }),
        onDeadLetter: (kind) => metrics.deadLettered(kind),
        onLag: metrics.consumerLag,
        onMemberReplaced: () => metrics.memberReplaced(),
        onFatal: options.onFatal ?? (() => undefined),
        logger,
      });

      return {
        grpc: {
          authenticate: shopperTokens(await createTokenVerifier(shopperTokenSettings(config))),
          services: [
            {
              name: 'notifications.v1.NotificationsService',
              definition: api.NotificationsServiceService,
              implementation: notificationsService({ db: db.pool, notifications: notificationsStore }, logger),
            },
          ],
        },
        readiness: {
          database: db.ping,
          kafka: async () => {
            if (!consumer.isJoined()) throw new Error('consumer has not joined its group');
          },
        },
        // Consumer first: a message under way is recorded (or left uncommitted) before the pool goes.
        stopFirst: [consumer, delivery],
        startedLog: { topic: config.ORDER_STATUS_TOPIC, channel: channel.name },
      };
    },
  });
}
