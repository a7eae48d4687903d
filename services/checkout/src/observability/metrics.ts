// Checkout's own Prometheus metrics (names in docs/metrics.md).
import { Counter, Histogram, type Registry } from 'prom-client';

export interface CheckoutMetrics {
  productLookup(result: 'hit' | 'miss'): void;
  productRateLimitWait(seconds: number): void;
}

export function createCheckoutMetrics(registry: Registry): CheckoutMetrics {
  const lookups = new Counter({
    name: 'checkout_product_cache_requests_total',
    help: 'Product lookups served from the cache (hit) or fetched from ProductService (miss)',
    labelNames: ['result'],
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'checkout_product_rate_limit_wait_seconds',
    help: 'Time a product call waited for the client-side rate limiter and concurrency bound',
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Every series exists from the start, so that increase() sees the first event after a restart.
  for (const result of ['hit', 'miss']) lookups.inc({ result }, 0);
  return { productLookup: (result) => lookups.inc({ result }), productRateLimitWait: (seconds) => waits.observe(seconds) };
}
