// Settings of Checkout, parsed once at start-up; a bad value stops it naming the variable.
import { z } from 'zod';
import {
  clientTargetSetting,
  durationMs,
  grpcServerEnv,
  parseConfig,
  positiveInt,
  postgresUrl,
  postgresPoolEnv,
  shopperTokenEnv,
} from '@shop/platform';

export const checkoutConfigSchema = z.object({
  ...grpcServerEnv(50051, 8081),
  ...shopperTokenEnv,
  CHECKOUT_DATABASE_URL: postgresUrl,
  ...postgresPoolEnv,
  TLS_CA_FILE: z.string().default('certs/ca.crt'),
  /** One address, several replicas' `ip:port` (comma-separated) or a grpc-js target; calls go round robin. */
  LOMS_ADDR: clientTargetSetting('localhost:50052'),
  /** The name LOMS' certificate must carry when the address does not say it (replicas named by IP). */
  LOMS_TLS_SERVER_NAME: z.string().min(1).optional(),
  LOMS_CLIENT_CERT_FILE: z.string().default('certs/clients/checkout.crt'),
  LOMS_CLIENT_KEY_FILE: z.string().default('certs/clients/checkout.key'),
  LOMS_TIMEOUT: durationMs('2s'),
  PRODUCTS_ADDR: clientTargetSetting('localhost:50054'),
  PRODUCTS_ACCESS_TOKEN: z.string().min(1).optional(),
  PRODUCTS_TIMEOUT: durationMs('2s'),
  PRODUCTS_MAX_IN_FLIGHT: positiveInt(5),
  /** Product lookups waiting for the rate limit or a free slot (two full carts of unknown SKUs); beyond it RESOURCE_EXHAUSTED. */
  PRODUCTS_QUEUE_MAX: positiveInt(200),
  /** Calls per second we allow ourselves; 0 turns the client-side limit off. */
  PRODUCTS_RATE_LIMIT_RPS: z.coerce.number().int().min(0).default(10),
  PRODUCTS_CACHE_TTL: durationMs('5m'),
});

export type CheckoutConfig = z.infer<typeof checkoutConfigSchema>;

export function loadCheckoutConfig(env: NodeJS.ProcessEnv = process.env): CheckoutConfig {
  return parseConfig(checkoutConfigSchema, env);
}
