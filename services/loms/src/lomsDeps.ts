// Wires the use cases' ports to PostgreSQL (and its clock), the process's ids and trace context, coalesces
// concurrent CreateOrder calls, status changes and the reads they decide from into batches, and counts status
// changes once their transaction has committed (and tells the outbox relay that there is something to publish).
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { coalescer, type Database, type Queryable } from '@shop/platform';
import type { LomsDeps, Tx } from './app/ports';
import type { AllocationStrategy } from './domain/allocation';
import type { OrderStatusChanged } from './domain/statusChange';
import type { BatchedOperation, LomsMetrics } from './observability/metrics';
import { databaseClock } from './storage/databaseClock';
import { orderBatchWriter } from './storage/orderBatches';
import { orderReadBatcher, orderRepository, statusChangeBatchWriter } from './storage/orders';
import { inventoryRepository } from './storage/inventory';
import { stockRepository } from './storage/stocks';

export function lomsDeps(
  db: Database,
  options: {
    paymentTimeoutMs: number;
    allocationStrategy: AllocationStrategy;
    /** LOMS passes its configuration; tests run on these defaults. */
    orderBatches?: { maxSize: number; inFlight: number; maxWaiting: number };
    /** Called after each commit that may have written outbox rows. */
    onOutboxWritten?: () => void;
  },
  metrics?: LomsMetrics,
): LomsDeps {
  const writtenIn = new WeakMap<Tx, OrderStatusChanged[]>();
  const orders = orderRepository(db.pool);
  const batches = options.orderBatches ?? { maxSize: 64, inFlight: 2, maxWaiting: 10_000 };
  const inBatches = <In, Out>(operation: BatchedOperation, run: (batch: In[]) => Promise<Out[]>) =>
    coalescer({
      run,
      maxBatch: batches.maxSize,
      maxInFlight: batches.inFlight,
      maxWaiting: batches.maxWaiting,
      resource: `${operation.replace('_', ' ')} batches`,
      onBatch: (size) => metrics?.batchStarted(operation, size),
    });
  const createInBatch = inBatches('create_order', orderBatchWriter(db.pool, options.allocationStrategy));
  const changeInBatch = inBatches('status_change', statusChangeBatchWriter(db.pool));
  const readInBatch = inBatches('order_read', orderReadBatcher(db.pool));
  const inventory = inventoryRepository(db.pool);
  const outboxWritten = options.onOutboxWritten ?? (() => undefined);
  return {
    async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
      const written: OrderStatusChanged[] = [];
      const result = await db.inTransaction((q: Queryable) => {
        const tx = q as Tx;
        writtenIn.set(tx, written);
        return work(tx);
      });
      outboxWritten();
      for (const event of written) metrics?.statusChanged(event.previousStatus, event.status);
      return result;
    },
    orders: {
      ...orders,
      getWithClock: readInBatch,
      async createReservingStock(order) {
        const outcome = await createInBatch(order);
        if (outcome.kind !== 'keyTaken') outboxWritten();
        if (outcome.kind === 'created') {
          metrics?.orderCreated('awaiting_payment', 0);
          metrics?.statusChanged('NEW', 'AWAITING_PAYMENT');
        } else if (outcome.kind === 'failed') {
          metrics?.orderCreated('failed', outcome.shortages.length);
          metrics?.statusChanged('NEW', 'FAILED');
        }
        return outcome;
      },
      async changeStatusIfUnchanged(event, settlement) {
        const applied = await changeInBatch({ event, settlement });
        if (applied) {
          outboxWritten();
          metrics?.statusChanged(event.previousStatus, event.status);
        }
        return applied;
      },
      async changeStatusesIfUnchanged(tx, events, settlement) {
        const changed = await orders.changeStatusesIfUnchanged(tx, events, settlement);
        const ids = new Set(changed);
        writtenIn.get(tx)?.push(...events.filter((e) => ids.has(e.orderId)));
        return changed;
      },
    },
    stocks: stockRepository(db.pool),
    inventory: {
      ...inventory,
      async checkConsistency(skus, listAtMost) {
        const report = await inventory.checkConsistency(skus, listAtMost);
        if (skus === undefined) metrics?.stockDrift(report.driftsTotal);
        return report;
      },
    },
    clock: databaseClock(),
    newEventId: randomUUID,
    traceparent: () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    paymentTimeoutMs: options.paymentTimeoutMs,
  };
}
