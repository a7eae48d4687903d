// Builds and starts the local ProductService: catalogue, gRPC server (TLS, health, reflection), admin port.
import path from 'node:path';
import { Counter } from 'prom-client';
import { anyCaller, startAdminServer, createServiceRegistry, startGrpcServer, type Logger, grpcListenOptions } from '@shop/platform';
import { product } from '@shop/proto';
import type { ProductsConfig } from './config';
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
  const registry = createServiceRegistry();
  const callsTotal = new Counter({
    name: 'products_calls_total',
    help: 'Calls received, by method',
    labelNames: ['method'],
    registers: [registry],
  });
  let calls = 0;

  const grpcServer = await startGrpcServer({
    ...grpcListenOptions(config),
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
            callsTotal.inc({ method });
          },
          logger,
        }),
      },
    ],
    registry,
    logger,
  });
  grpcServer.setServing(true);
  const admin = await startAdminServer({ host: config.GRPC_HOST, port: config.ADMIN_PORT, registry, readiness: {} });
  logger.info(
    {
      grpcPort: grpcServer.port,
      adminPort: admin.port,
      products: catalogue.size,
      rateLimitRps: config.PRODUCTS_RATE_LIMIT_RPS,
      latencyMs: config.PRODUCTS_LATENCY,
      failureRatio: config.PRODUCTS_FAILURE_RATIO,
      tokenRequired: config.PRODUCTS_ACCESS_TOKEN !== undefined,
    },
    'products started',
  );

  return {
    grpcPort: grpcServer.port,
    adminPort: admin.port,
    get calls() {
      return calls;
    },
    stop: async () => {
      admin.drain();
      await grpcServer.shutdown(config.SHUTDOWN_GRACE);
      await admin.close();
    },
  };
}
