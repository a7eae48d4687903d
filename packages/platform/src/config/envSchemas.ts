// Building blocks for services' config schemas: the settings every service shares.
import { z } from 'zod';
import type { ShopperTokenSettings } from '../auth/shopperTokens';
import { defaultMaxWaiting } from '../db/pool';
import { clientTarget } from '../grpc/clientTarget';
import { defaultMaxConcurrentStreams, defaultMaxInFlight } from '../grpc/grpcServer';

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const durationUnitsMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration such as `500ms`, `10s`, `10m`, `1h` (a bare number is milliseconds), parsed to ms. */
export const durationMs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500ms, 10s, 10m or 1h' });
        return z.NEVER;
      }
      return Number(match[1]) * durationUnitsMs[(match[2] ?? 'ms') as keyof typeof durationUnitsMs];
    });
export const boolFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** TLS and listening settings of a gRPC server (TLS only: there is no plaintext mode). */
export const grpcServerEnv = (grpcPort: number, adminPort: number) => ({
  GRPC_HOST: z.string().default('0.0.0.0'),
  GRPC_PORT: port(grpcPort),
  ADMIN_PORT: port(adminPort),
  TLS_CERT_FILE: z.string().default('certs/server.crt'),
  TLS_KEY_FILE: z.string().default('certs/server.key'),
  SHUTDOWN_GRACE: durationMs('10s'),
  LOG_LEVEL: logLevel,
  /** Calls of the service at once; the excess is refused with RESOURCE_EXHAUSTED before it is read. */
  GRPC_MAX_IN_FLIGHT: positiveInt(defaultMaxInFlight),
  GRPC_MAX_CONCURRENT_STREAMS: positiveInt(defaultMaxConcurrentStreams),
});

/** Where a client connects: one address, several replicas' `ip:port`, or a grpc-js target (see clientTarget). */
export const clientTargetSetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return clientTarget(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string');

/** The PostgreSQL pool of a service: its size, how many calls may wait for it, the longest statement, and how
 * often it is pinged for the gRPC health that follows it. */
export const postgresPoolEnv = {
  DB_POOL_MAX: positiveInt(10),
  DB_POOL_QUEUE_MAX: positiveInt(defaultMaxWaiting),
  DB_STATEMENT_TIMEOUT: durationMs('5s'),
  DB_CHECK_INTERVAL: durationMs('2s'),
};

export type GrpcServerConfig = z.output<z.ZodObject<ReturnType<typeof grpcServerEnv>>>;
export type PostgresPoolConfig = z.output<z.ZodObject<typeof postgresPoolEnv>>;

/** How a shopper-facing server verifies bearer tokens (docs/api.md, "Security"). */
export const shopperTokenEnv = {
  AUTH_JWT_PUBLIC_KEY_FILE: z.string().default('certs/jwt/signing.pub'),
  AUTH_JWT_ISSUER: z.string().min(1).default('shop-dev'),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('shop'),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
};

export function shopperTokenSettings(config: {
  AUTH_JWT_PUBLIC_KEY_FILE: string;
  AUTH_JWT_ISSUER: string;
  AUTH_JWT_AUDIENCE: string;
  AUTH_JWKS_URL?: string | undefined;
}): ShopperTokenSettings {
  return {
    publicKeyFile: config.AUTH_JWT_PUBLIC_KEY_FILE,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_JWT_ISSUER,
    audience: config.AUTH_JWT_AUDIENCE,
  };
}
