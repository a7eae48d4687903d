// LOMS' own Prometheus metrics (names in docs/metrics.md).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Queryable } from '@shop/platform';
import type { OrderStatus } from '../domain/orderStatus';
import { outboxBacklog } from '../storage/outboxRelayQueries';

/** What LOMS coalesces into batches: CreateOrder calls, status changes, and the reads status changes decide from. */
export const batchedOperations = ['create_order', 'status_change', 'order_read'] as const;
export type BatchedOperation = (typeof batchedOperations)[number];

export interface LomsMetrics {
  orderCreated(result: 'awaiting_payment' | 'failed', shortSkus: number): void;
  statusChanged(from: OrderStatus, to: OrderStatus): void;
  cancellerRun(result: 'ok' | 'error'): void;
  cancelled(reason: 'expired' | 'stuck_new', orders: number, maxLagMs: number): void;
  published(events: number): void;
  publishFailed(): void;
  outboxDeleted(rows: number): void;
  relayActive(active: boolean): void;
  stockDrift(rows: number): void;
  batchStarted(operation: BatchedOperation, size: number): void;
}

export function createLomsMetrics(registry: Registry, db: Queryable): LomsMetrics {
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const ordersCreated = counter('loms_orders_created_total', 'Orders created, by result', ['result']);
  const statusChanges = counter('loms_order_status_changes_total', 'Order status changes committed (one outbox event each)', [
    'from',
    'to',
  ]);
  const shortages = counter('loms_reservation_shortages_total', 'SKUs short of stock in orders that failed');
  const cancellerRuns = counter('loms_canceller_runs_total', 'Timeout canceller iterations, by result', ['result']);
  const cancelledOrders = counter('loms_canceller_cancelled_orders_total', 'Orders the timeout canceller cancelled, by reason', ['reason']);
  const cancellerLag = new Gauge({
    name: 'loms_canceller_lag_seconds',
    help: 'How far past its payment deadline the most overdue order was when the canceller cancelled it (last batch)',
    registers: [registry],
  });
  const published = counter('loms_outbox_published_total', 'Outbox events the broker acknowledged');
  const publishErrors = counter('loms_outbox_publish_errors_total', 'Outbox relay iterations that failed (broker or database)');
  const outboxDeleted = counter('loms_outbox_deleted_total', 'Published outbox rows deleted after OUTBOX_RETENTION');
  const relayActive = new Gauge({
    name: 'loms_outbox_relay_active',
    help: '1 when this replica runs the active outbox relay',
    registers: [registry],
  });
  const stockDrift = new Gauge({
    name: 'loms_stock_drift_rows',
    help: 'Stock rows whose total or reserved their movements and reservations do not explain (last full check)',
    registers: [registry],
  });
  const batchSizes = new Histogram({
    name: 'loms_batch_size',
    help: 'Calls coalesced into one database round trip, by operation',
    labelNames: ['operation'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });
  let backlog: Promise<{ size: number; oldestAgeSeconds: number }> | undefined;
  // One query serves both gauges of a scrape.
  const readBacklog = () => (backlog ??= outboxBacklog(db).finally(() => setTimeout(() => (backlog = undefined), 100)));
  new Gauge({
    name: 'loms_outbox_backlog_events',
    help: 'Outbox events not yet published',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).size);
    },
  });
  new Gauge({
    name: 'loms_outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox event not yet published',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).oldestAgeSeconds);
    },
  });

  // Every series exists from the start, so that increase() sees the first event after a restart.
  for (const result of ['awaiting_payment', 'failed']) ordersCreated.inc({ result }, 0);
  for (const result of ['ok', 'error']) cancellerRuns.inc({ result }, 0);
  for (const reason of ['expired', 'stuck_new']) cancelledOrders.inc({ reason }, 0);
  for (const operation of batchedOperations) batchSizes.zero({ operation });
  return {
    orderCreated(result, shortSkus) {
      ordersCreated.inc({ result });
      if (shortSkus > 0) shortages.inc(shortSkus);
    },
    statusChanged: (from, to) => statusChanges.inc({ from, to }),
    cancellerRun: (result) => cancellerRuns.inc({ result }),
    cancelled(reason, orders, maxLagMs) {
      if (orders === 0) return;
      cancelledOrders.inc({ reason }, orders);
      if (reason === 'expired') cancellerLag.set(maxLagMs / 1000);
    },
    published: (events) => published.inc(events),
    publishFailed: () => publishErrors.inc(),
    outboxDeleted: (rows) => outboxDeleted.inc(rows),
    relayActive: (active) => relayActive.set(active ? 1 : 0),
    stockDrift: (rows) => stockDrift.set(rows),
    batchStarted: (operation, size) => batchSizes.observe({ operation }, size),
  };
}
