// A Prometheus registry per service (several services share one process in tests), with Node's defaults.
import { Registry, collectDefaultMetrics } from 'prom-client';

// prom-client's gauges named like counters (`promtool check metrics` refuses them); the same numbers stay
// available by type as nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
const misnamedDefaults = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createServiceRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of misnamedDefaults) registry.removeSingleMetric(name);
  return registry;
}
