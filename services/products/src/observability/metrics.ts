// ProductService's own Prometheus metrics (names in docs/metrics.md).
import { Counter, type Registry } from 'prom-client';

export interface ProductsMetrics {
  callReceived(method: string): void;
}

export function createProductsMetrics(registry: Registry): ProductsMetrics {
  const calls = new Counter({
    name: 'products_calls_total',
    help: 'Calls received, by method',
    labelNames: ['method'],
    registers: [registry],
  });
  return { callReceived: (method) => calls.inc({ method }) };
}
