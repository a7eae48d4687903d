// LOMS composition root: its metrics, use cases, gRPC services and workers, started by the platform's startService.
import type { Registry } from 'prom-client';
import { Partitioners } from 'kafkajs';
import { callerPermissions, createKafka, startService, type Logger, type Queryable } from '@shop/platform';
import { inventory, loms } from '@shop/proto';
import type { LomsConfig } from './config';
import { lomsDeps } from './lomsDeps';
import { createLomsMetrics } from './observability/metrics';
import { serviceName } from './serviceName';
import { lomsSessionSettings } from './storage/sessionSettings';
import { lomsCallerPermissions } from './transport/grpc/callerPermissions';
import { inventoryService } from './transport/grpc/inventoryService';
import { lomsService } from './transport/grpc/lomsService';
import { startStockCheck } from './workers/startStockCheck';
import { startOrderCanceller } from './workers/startOrderCanceller';
import { startOutboxCleanup } from './workers/startOutboxCleanup';
import { startOutboxRelay } from './workers/startOutboxRelay';

export interface LomsHandle {
  grpcPort: number;
  adminPort: number;
  registry: Registry;
  stop(): Promise<void>;
}

export function startLoms(config: LomsConfig, logger: Logger): Promise<LomsHandle> {
  return startService({
    name: serviceName,
    config,
    logger,
    database: { url: config.LOMS_DATABASE_URL, sessionSettings: lomsSessionSettings },
    build: ({ db, registry }) => {
      const metrics = createLomsMetrics(registry, db.pool as unknown as Queryable);
      const relay = config.OUTBOX_RELAY_ENABLED
        ? startOutboxRelay(
            db.pool,
            createKafka({ clientId: 'loms-outbox-relay', brokers: config.KAFKA_BROKERS, logger }).producer({
              allowAutoTopicCreation: true,
              maxInFlightRequests: 1,
              createPartitioner: Partitioners.DefaultPartitioner,
            }),
            logger,
            {
              topics: { orderStatus: config.ORDER_STATUS_TOPIC, stockLevels: config.STOCK_LEVELS_TOPIC },
              batchSize: config.OUTBOX_BATCH_SIZE,
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL,
              minPollGapMs: config.OUTBOX_MIN_POLL_GAP,
              sendTimeoutMs: config.OUTBOX_SEND_TIMEOUT,
              onPublished: metrics.published,
              onError: metrics.publishFailed,
              onLeadership: metrics.relayActive,
            },
          )
        : undefined;
      const deps = lomsDeps(
        db,
        {
          paymentTimeoutMs: config.ORDER_PAYMENT_TIMEOUT,
          allocationStrategy: config.ALLOCATION_STRATEGY,
          orderBatches: {
            maxSize: config.ORDER_BATCH_MAX_SIZE,
            inFlight: config.ORDER_BATCHES_IN_FLIGHT,
            maxWaiting: config.DB_POOL_QUEUE_MAX,
          },
          onOutboxWritten: relay?.wake,
        },
        metrics,
      );
      const canceller = config.CANCELLER_ENABLED
        ? startOrderCanceller(deps, logger, {
            intervalMs: config.CANCELLER_INTERVAL,
            batchSize: config.CANCELLER_BATCH_SIZE,
            concurrency: config.CANCELLER_CONCURRENCY,
            stuckNewAfterMs: config.STUCK_NEW_ORDER_AFTER,
            onBatch: (result) => {
              metrics.cancellerRun('ok');
              metrics.cancelled('expired', result.cancelledExpired, result.maxLagMs);
              metrics.cancelled('stuck_new', result.repairedNew, 0);
            },
            onError: () => metrics.cancellerRun('error'),
          })
        : undefined;
      const outboxCleanup = startOutboxCleanup(db.pool as unknown as Queryable, logger, {
        retentionMs: config.OUTBOX_RETENTION,
        intervalMs: config.OUTBOX_CLEANUP_INTERVAL,
        batchSize: config.OUTBOX_CLEANUP_BATCH_SIZE,
        onDeleted: metrics.outboxDeleted,
      });
      const stockCheck = startStockCheck(deps, logger, { intervalMs: config.STOCK_CHECK_INTERVAL });
      return {
        grpc: {
          authenticate: callerPermissions(lomsCallerPermissions),
          clientCaFile: config.TLS_CLIENT_CA_FILE,
          services: [
            { name: 'loms.v1.LomsService', definition: loms.LomsServiceService, implementation: lomsService(deps, logger) },
            {
              name: 'loms.v1.InventoryService',
              definition: inventory.InventoryServiceService,
              implementation: inventoryService(deps, logger),
            },
          ],
        },
        readiness: { postgres: db.ping },
        stopAfterCalls: [canceller, relay, outboxCleanup, stockCheck],
      };
    },
  });
}
