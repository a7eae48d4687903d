// Every environment variable of Notifications, validated once at start-up.
import {
  durationMs,
  grpcServerEnv,
  kafkaBrokers,
  parseConfig,
  positiveInt,
  postgresUrl,
  postgresPoolEnv,
  shopperTokenEnv,
} from '@shop/platform';
import { z } from 'zod';
import { webhookSecretProblem } from './channels/webhookSignature';

export const notificationsConfigSchema = z
  .object({
    ...grpcServerEnv(50053, 8083),
    ...shopperTokenEnv,
    NOTIFICATIONS_DATABASE_URL: postgresUrl,
    ...postgresPoolEnv,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_CLIENT_ID: z.string().min(1).default('notifications'),
    KAFKA_GROUP_ID: z.string().min(1).default('notifications'),
    KAFKA_SESSION_TIMEOUT: durationMs('10s'),
    KAFKA_FETCH_MAX_WAIT: durationMs('50ms'),
    ORDER_STATUS_TOPIC: z.string().min(1).default('loms.order-status'),
    RECORD_BATCH_SIZE: positiveInt(500),
    NOTIFY_WEBHOOK_URL: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
      .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional()),
    NOTIFY_WEBHOOK_SECRET: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
    WEBHOOK_TIMEOUT: durationMs('3s'),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    WEBHOOK_BACKOFF: durationMs('200ms'),
    DELIVERY_BATCH_SIZE: positiveInt(100),
    DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
    REDELIVERY_INTERVAL: durationMs('10s'),
    REDELIVERY_MAX_DELAY: durationMs('1h'),
  })
  .superRefine((config, ctx) => {
    if (config.NOTIFY_WEBHOOK_URL !== undefined && config.NOTIFY_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFY_WEBHOOK_SECRET'],
        message: 'required when NOTIFY_WEBHOOK_URL is set (a whsec_… secret)',
      });
    }
    const problem = config.NOTIFY_WEBHOOK_SECRET === undefined ? undefined : webhookSecretProblem(config.NOTIFY_WEBHOOK_SECRET);
    // No path: parseConfig would repeat the value of the variable an issue is filed under, and this one is a secret.
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [], message: `NOTIFY_WEBHOOK_SECRET ${problem} (value not repeated)` });
  });

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return parseConfig(notificationsConfigSchema, env);
}
