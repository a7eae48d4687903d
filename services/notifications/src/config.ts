// Every environment variable of Notifications, validated once at start-up.
import { durationMs, grpcServerEnv, kafkaBrokers, parseConfig, positiveInt, postgresUrl, postgresPoolEnv } from '@shop/platform';
import { z } from 'zod';

export const notificationsConfigSchema = z.object({
  ...grpcServerEnv(50053, 8083),
  NOTIFICATIONS_DATABASE_URL: postgresUrl,
  ...postgresPoolEnv,
  DB_CHECK_INTERVAL: durationMs('2s'),
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().min(1).default('notifications'),
  KAFKA_GROUP_ID: z.string().min(1).default('notifications'),
  KAFKA_SESSION_TIMEOUT: durationMs('10s'),
  KAFKA_FETCH_MAX_WAIT: durationMs('100ms'),
  ORDER_STATUS_TOPIC: z.string().min(1).default('loms.order-status'),
  NOTIFY_WEBHOOK_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()),
  WEBHOOK_TIMEOUT: durationMs('3s'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  WEBHOOK_BACKOFF: durationMs('200ms'),
  DELIVERY_BATCH_SIZE: positiveInt(100),
  REDELIVERY_INTERVAL: durationMs('10s'),
  REDELIVERY_MAX_DELAY: durationMs('1h'),
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return parseConfig(notificationsConfigSchema, env);
}
