// A Prometheus registry per service (several services share one process in tests), with Node's defaults.
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createServiceRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
