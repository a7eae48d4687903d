// Every LOMS setting, from the environment, validated once at start.
import { z } from 'zod';
import { allocationStrategies } from './domain/allocation';
import { boolFlag, durationMs, grpcServerEnv, kafkaBrokers, parseConfig, positiveInt, postgresUrl, postgresPoolEnv } from '@shop/platform';

export const lomsConfigSchema = z.object({
  ...grpcServerEnv(50052, 8082),
  /** LOMS demands a client certificate signed by this CA on every connection. */
  TLS_CLIENT_CA_FILE: z.string().default('certs/ca.crt'),
  LOMS_DATABASE_URL: postgresUrl,
  ...postgresPoolEnv,
  ORDER_PAYMENT_TIMEOUT: durationMs('10m'),
  /** How CreateOrder takes a SKU's units from its active warehouses (domain/allocation.ts). */
  ALLOCATION_STRATEGY: z.enum(allocationStrategies).default('priority'),
  /** CreateOrder calls (and, apart, status changes) that queue while every batch slot is busy go to the database together, this many at most. */
  ORDER_BATCH_MAX_SIZE: positiveInt(64),
  /** Batches of CreateOrder calls in the database at once (and as many of status changes). */
  ORDER_BATCHES_IN_FLIGHT: positiveInt(2),
  CANCELLER_ENABLED: boolFlag(true),
  CANCELLER_INTERVAL: durationMs('1s'),
  CANCELLER_BATCH_SIZE: positiveInt(500),
  CANCELLER_CONCURRENCY: positiveInt(2),
  STUCK_NEW_ORDER_AFTER: durationMs('1m'),
  KAFKA_BROKERS: kafkaBrokers,
  ORDER_STATUS_TOPIC: z.string().min(1).default('loms.order-status'),
  STOCK_LEVELS_TOPIC: z.string().min(1).default('loms.stock-levels'),
  OUTBOX_RELAY_ENABLED: boolFlag(true),
  OUTBOX_BATCH_SIZE: positiveInt(500),
  OUTBOX_POLL_INTERVAL: durationMs('100ms'),
  OUTBOX_MIN_POLL_GAP: durationMs('50ms'),
  OUTBOX_SEND_TIMEOUT: durationMs('10s'),
  OUTBOX_RETENTION: durationMs('24h'),
  OUTBOX_CLEANUP_INTERVAL: durationMs('10s'),
  OUTBOX_CLEANUP_BATCH_SIZE: positiveInt(5000),
  /** How often LOMS recomputes every stock row from its records for the drift metric. */
  STOCK_CHECK_INTERVAL: durationMs('5m'),
});

export type LomsConfig = z.infer<typeof lomsConfigSchema>;

export const loadLomsConfig = (env: NodeJS.ProcessEnv = process.env): LomsConfig => parseConfig(lomsConfigSchema, env);
