// Settings of the local ProductService, parsed once at start-up.
import { z } from 'zod';
import { durationMs, grpcServerEnv, parseConfig } from '@shop/platform';

export const productsConfigSchema = z.object({
  ...grpcServerEnv(50054, 8084),
  CATALOGUE_FILE: z.string().default('data/catalogue.json'),
  /** Calls per second allowed per client (token or peer address); 0 turns the limit off. */
  PRODUCTS_RATE_LIMIT_RPS: z.coerce.number().int().min(0).default(10),
  PRODUCTS_LATENCY: durationMs('0ms'),
  PRODUCTS_FAILURE_RATIO: z.coerce.number().min(0).max(1).default(0),
  PRODUCTS_ACCESS_TOKEN: z.string().min(1).optional(),
});

export type ProductsConfig = z.infer<typeof productsConfigSchema>;

export function loadProductsConfig(env: NodeJS.ProcessEnv = process.env): ProductsConfig {
  return parseConfig(productsConfigSchema, env);
}
