// Composition of Checkout: database, LOMS and ProductService clients, gRPC server, admin port.
import {
  createDatabase,
  createTokenVerifier,
  shopperTokens,
  shopperTokenSettings,
  createServiceRegistry,
  grpcClientMetricsInterceptor,
  registerPoolMetrics,
  startAdminServer,
  startDatabaseWatch,
  startGrpcServer,
  type Logger,
  grpcListenOptions,
} from '@shop/platform';
import { checkout } from '@shop/proto';
import { createLomsClient } from './clients/lomsClient';
import { createProductClient } from './clients/productClient';
import type { CheckoutConfig } from './config';
import { cartItems } from './storage/cartItems';
import { purchases } from './storage/purchases';
import { checkoutServiceImplementation } from './transport/grpc/checkoutService';

export interface CheckoutHandle {
  grpcPort: number;
  adminPort: number;
  stop(): Promise<void>;
}

export async function startCheckout(config: CheckoutConfig, logger: Logger): Promise<CheckoutHandle> {
  const db = createDatabase({
    connectionString: config.CHECKOUT_DATABASE_URL,
    maxConnections: config.DB_POOL_MAX,
    maxWaiting: config.DB_POOL_QUEUE_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT,
    logger,
    applicationName: 'checkout',
  });
  const registry = createServiceRegistry();
  registerPoolMetrics(registry, db.pool);
  const interceptors = [grpcClientMetricsInterceptor(registry)];
  const loms = createLomsClient({
    address: config.LOMS_ADDR,
    caFile: config.TLS_CA_FILE,
    certFile: config.LOMS_CLIENT_CERT_FILE,
    keyFile: config.LOMS_CLIENT_KEY_FILE,
    timeoutMs: config.LOMS_TIMEOUT,
    interceptors,
  });
  const products = createProductClient({
    address: config.PRODUCTS_ADDR,
    caFile: config.TLS_CA_FILE,
    accessToken: config.PRODUCTS_ACCESS_TOKEN,
    timeoutMs: config.PRODUCTS_TIMEOUT,
    maxInFlight: config.PRODUCTS_MAX_IN_FLIGHT,
    maxQueued: config.PRODUCTS_QUEUE_MAX,
    rateLimitRps: config.PRODUCTS_RATE_LIMIT_RPS,
    cacheTtlMs: config.PRODUCTS_CACHE_TTL,
    interceptors,
    registry,
  });

  const tokens = await createTokenVerifier(shopperTokenSettings(config));
  const grpcServer = await startGrpcServer({
    ...grpcListenOptions(config),
    authenticate: shopperTokens(tokens),
    services: [
      {
        name: 'checkout.v1.CheckoutService',
        definition: checkout.CheckoutServiceService,
        implementation: checkoutServiceImplementation({ db, carts: cartItems, purchases, products, loms }, logger),
      },
    ],
    registry,
    logger,
  });
  const admin = await startAdminServer({ host: config.GRPC_HOST, port: config.ADMIN_PORT, registry, readiness: { postgres: db.ping } });

  // Serving follows the database, which Checkout cannot work without; LOMS and products are per call.
  const databaseWatch = startDatabaseWatch({ ping: db.ping, intervalMs: 2_000, onChange: grpcServer.setServing, logger });
  logger.info(
    { grpcPort: grpcServer.port, adminPort: admin.port, loms: config.LOMS_ADDR, products: config.PRODUCTS_ADDR },
    'checkout started',
  );

  return {
    grpcPort: grpcServer.port,
    adminPort: admin.port,
    stop: async () => {
      admin.drain();
      databaseWatch.stop();
      await grpcServer.shutdown(config.SHUTDOWN_GRACE);
      await admin.close();
      loms.close();
      await products.close();
      await db.close();
    },
  };
}
