// Builds and starts the local ProductService: catalogue, gRPC server (TLS, health, reflection), admin port.
import path from 'node:path';
import { anyCaller, startService, type Logger } from '@shop/platform';
import { product } from '@shop/proto';
import type { ProductsConfig } from './config';
import { createProductsMetrics } from './observability/metrics';
import { serviceName } from './serviceName';
import { readCatalogueFile } from './storage/catalogueFile';
import { createAdmission } from './transport/grpc/admission';
import { productServiceImplementation } from './transport/grpc/productService';

export interface ProductsHandle {
  grpcPort: number;
  adminPort: number;
  /** Calls received so far (every method, admitted or not). */
  readonly calls: number;
  stop(): Promise<void>;
}

export async function startProducts(config: ProductsConfig, logger: Logger): Promise<ProductsHandle> {
  const catalogue = await readCatalogueFile(path.resolve(config.CATALOGUE_FILE));
  let calls = 0;
  const service = await startService({
    name: serviceName,
    config,
    logger,
    build: ({ registry }) => {
      const metrics = createProductsMetrics(registry);
      return {
        grpc: {
          authenticate: anyCaller,
          services: [
            {
              name: 'product.v1.ProductService',
              definition: product.ProductServiceService,
              implementation: productServiceImplementation({
                catalogue,
                admit: createAdmission({
                  accessToken: config.PRODUCTS_ACCESS_TOKEN,
                  rateLimitRps: config.PRODUCTS_RATE_LIMIT_RPS,
                  latencyMs: config.PRODUCTS_LATENCY,
                  failureRatio: config.PRODUCTS_FAILURE_RATIO,
                }),
                countCall: (method) => {
                  calls += 1;
                  metrics.callReceived(method);
                },
                logger,
              }),
            },
          ],
        },
        startedLog: {
          products: catalogue.size,
          rateLimitRps: config.PRODUCTS_RATE_LIMIT_RPS,
          latencyMs: config.PRODUCTS_LATENCY,
          failureRatio: config.PRODUCTS_FAILURE_RATIO,
          tokenRequired: config.PRODUCTS_ACCESS_TOKEN !== undefined,
        },
      };
    },
  });
  return {
    ...service,
    get calls() {
      return calls;
    },
  };
}
