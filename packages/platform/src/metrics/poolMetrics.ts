// Gauges of a PostgreSQL pool, read at scrape time.
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

export function registerPoolMetrics(registry: Registry, pool: Pool): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool clients: total, idle, and callers waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}
