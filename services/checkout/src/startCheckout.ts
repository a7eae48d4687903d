// Composition of Checkout: its LOMS and ProductService clients and its gRPC service, started by the platform's startService.
import {
  createTokenVerifier,
  grpcClientMetricsInterceptor,
  shopperTokens,
  shopperTokenSettings,
  startService,
  type Logger,
} from '@shop/platform';
import { checkout } from '@shop/proto';
import { createLomsClient } from './clients/lomsClient';
import { createProductClient } from './clients/productClient';
import type { CheckoutConfig } from './config';
import { createCheckoutMetrics } from './observability/metrics';
import { serviceName } from './serviceName';
import { cartItems } from './storage/cartItems';
import { purchases } from './storage/purchases';
import { checkoutServiceImplementation } from './transport/grpc/checkoutService';

export interface CheckoutHandle {
  grpcPort: number;
  adminPort: number;
  stop(): Promise<void>;
}

export function startCheckout(config: CheckoutConfig, logger: Logger): Promise<CheckoutHandle> {
  return startService({
    name: serviceName,
    config,
    logger,
    database: { url: config.CHECKOUT_DATABASE_URL },
    build: async ({ db, registry }) => {
      const interceptors = [grpcClientMetricsInterceptor(registry)];
      const loms = createLomsClient({
        address: config.LOMS_ADDR,
        tlsServerName: config.LOMS_TLS_SERVER_NAME,
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
        metrics: createCheckoutMetrics(registry),
      });
      return {
        grpc: {
          authenticate: shopperTokens(await createTokenVerifier(shopperTokenSettings(config))),
          services: [
            {
              name: 'checkout.v1.CheckoutService',
              definition: checkout.CheckoutServiceService,
              implementation: checkoutServiceImplementation({ db, carts: cartItems, purchases, products, loms }, logger),
            },
          ],
        },
        readiness: { postgres: db.ping },
        stopAfterCalls: [{ stop: () => loms.close() }, { stop: () => products.close() }],
        startedLog: { loms: config.LOMS_ADDR, products: config.PRODUCTS_ADDR },
      };
    },
  });
}
