// Wires the use cases' ports to PostgreSQL (and its clock), the process's ids and trace context, and
// counts status changes once their transaction has committed.
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type { Database, Queryable } from '@shop/platform';
import type { LomsDeps, Tx } from './app/ports';
import type { OrderStatusChanged } from './domain/statusChange';
import type { LomsMetrics } from './observability/metrics';
import { databaseClock } from './storage/databaseClock';
import { orderRepository } from './storage/orders';
import { stockRepository } from './storage/stocks';
import { outboxWriter } from './storage/outbox';

export function lomsDeps(db: Database, paymentTimeoutMs: number, metrics?: LomsMetrics): LomsDeps {
  const writtenIn = new WeakMap<Tx, OrderStatusChanged[]>();
  const outbox = outboxWriter();
  const orders = orderRepository(db.pool);
  return {
    async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
      const written: OrderStatusChanged[] = [];
      const result = await db.inTransaction((q: Queryable) => {
        const tx = q as Tx;
        writtenIn.set(tx, written);
        return work(tx);
      });
      for (const event of written) metrics?.statusChanged(event.previousStatus, event.status);
      return result;
    },
    orders: {
      ...orders,
      async createReservingStock(order) {
        const outcome = await orders.createReservingStock(order);
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
        const applied = await orders.changeStatusIfUnchanged(event, settlement);
        if (applied) metrics?.statusChanged(event.previousStatus, event.status);
        return applied;
      },
    },
    stocks: stockRepository(db.pool),
    outbox: {
      async add(tx, events) {
        await outbox.add(tx, events);
        writtenIn.get(tx)?.push(...events);
      },
    },
    clock: databaseClock(),
    newEventId: randomUUID,
    traceparent: () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    paymentTimeoutMs,
  };
}
