// ProductService: cached (TTL) and coalesced lookups, a client-side rate limit that keeps us under the
// service's, bounded concurrency and a bounded queue (beyond it RESOURCE_EXHAUSTED at once), grpc-js retries of
// RESOURCE_EXHAUSTED/UNAVAILABLE and a deadline a call. A caller that gives up stops waiting; the lookup goes
// on, for the others who asked for the same SKU and for the cache.
import * as grpc from '@grpc/grpc-js';
import Bottleneck from 'bottleneck';
import { LRUCache } from 'lru-cache';
import { clientCredentials, OverloadedError, whileCallerWaits } from '@shop/platform';
import { product } from '@shop/proto';
import type { Product, ProductCatalogue } from '../app/ports';
import { ProductNotFoundError } from '../domain/errors';
import type { CheckoutMetrics } from '../observability/metrics';
import { dependencyError, isServiceError, reconnectOptions, retryServiceConfig } from './dependencyError';

export interface ProductClientOptions {
  address: string;
  caFile: string;
  accessToken: string | undefined;
  timeoutMs: number;
  maxInFlight: number;
  /** Lookups waiting for the rate limit or a free slot at most; beyond it OverloadedError. */
  maxQueued: number;
  /** 0 turns the client-side limit off. */
  rateLimitRps: number;
  cacheTtlMs: number;
  cacheMaxEntries?: number;
  interceptors?: grpc.Interceptor[];
  metrics: CheckoutMetrics;
}

export interface ProductClient extends ProductCatalogue {
  close(): Promise<void>;
}

export function createProductClient(options: ProductClientOptions): ProductClient {
  const client = new product.ProductServiceClient(options.address, clientCredentials({ caFile: options.caFile }), {
    ...reconnectOptions,
    interceptors: options.interceptors ?? [],
    'grpc.service_config': retryServiceConfig('product.v1.ProductService', ['GetProduct', 'ListSkus'], {
      maxAttempts: 5,
      initialBackoffMs: 200,
      maxBackoffMs: 2_000,
      retryableStatusCodes: ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'],
    }),
  });
  // Spacing calls evenly (not a burst a second) stays under a token bucket despite network jitter.
  const limiter = new Bottleneck({
    maxConcurrent: options.maxInFlight,
    minTime: options.rateLimitRps > 0 ? Math.ceil(1000 / options.rateLimitRps) : 0,
    highWater: options.maxQueued,
    strategy: Bottleneck.strategy.OVERFLOW,
  });
  const { metrics } = options;
  const metadata = new grpc.Metadata();
  if (options.accessToken !== undefined) metadata.set('authorization', `Bearer ${options.accessToken}`);

  const callGetProduct = (sku: number) =>
    new Promise<product.GetProductResponse>((resolve, reject) =>
      client.getProduct({ sku }, metadata.clone(), { deadline: Date.now() + options.timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );

  // fetch() coalesces concurrent lookups of one SKU into one call; a rejection is not cached,
  // so an unknown SKU is asked again next time (it may have been added since).
  const cache = new LRUCache<number, Product>({
    max: options.cacheMaxEntries ?? 10_000,
    ttl: options.cacheTtlMs,
    fetchMethod: async (sku) => {
      try {
        const queuedAt = process.hrtime.bigint();
        const found = await limiter.schedule(() => {
          metrics.productRateLimitWait(Number(process.hrtime.bigint() - queuedAt) / 1e9);
          return callGetProduct(sku);
        });
        return { sku, name: found.name, priceMinorUnits: found.price };
      } catch (err) {
        if (err instanceof Bottleneck.BottleneckError) throw new OverloadedError('ProductService client queue');
        if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) throw new ProductNotFoundError(sku);
        throw dependencyError('products', err);
      }
    },
  });

  return {
    async getProduct(sku) {
      metrics.productLookup(cache.has(sku) ? 'hit' : 'miss');
      const found = await whileCallerWaits(cache.fetch(sku));
      if (!found) throw new ProductNotFoundError(sku);
      return found;
    },
    close: async () => {
      await limiter.stop({ dropWaitingJobs: true });
      client.close();
    },
  };
}
