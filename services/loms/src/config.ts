// Every LOMS setting, from the environment, validated once at start.
import { z } from 'zod';
import { boolFlag, durationMs, grpcServerEnv, kafkaBrokers, parseConfig, positiveInt, postgresUrl, postgresPoolEnv } from '@shop/platform';

export const lomsConfigSchema = z.object({
  ...grpcServerEnv(50052, 8082),
  /** LOMS demands a client certificate signed by this CA on every connection. */
  TLS_CLIENT_CA_FILE: z.string().default('certs/ca.crt'),
  LOMS_DATABASE_URL: postgresUrl,
  ...postgresPoolEnv,
  ORDER_PAYMENT_TIMEOUT: durationMs('10m'),
  CANCELLER_ENABLED: boolFlag(true),
  CANCELLER_INTERVAL: durationMs('1s'),
  CANCELLER_BATCH_SIZE: positiveInt(500),
  STUCK_NEW_ORDER_AFTER: durationMs('1m'),
  KAFKA_BROKERS: kafkaBrokers,
  ORDER_STATUS_TOPIC: z.string().min(1).default('loms.order-status'),
  OUTBOX_RELAY_ENABLED: boolFlag(true),
  OUTBOX_BATCH_SIZE: positiveInt(500),
  OUTBOX_POLL_INTERVAL: durationMs('100ms'),
  OUTBOX_SEND_TIMEOUT: durationMs('10s'),
  OUTBOX_RETENTION: durationMs('24h'),
  OUTBOX_CLEANUP_INTERVAL: durationMs('10s'),
  OUTBOX_CLEANUP_BATCH_SIZE: positiveInt(5000),
});

export type LomsConfig = z.infer<typeof lomsConfigSchema>;

export const loadLomsConfig = (env: NodeJS.ProcessEnv = process.env): LomsConfig => parseConfig(lomsConfigSchema, env);
