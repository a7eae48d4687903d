// Wires the use cases' ports to PostgreSQL and the process's clock, ids and trace context.
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type { Database, Queryable } from '@shop/platform';
import type { LomsDeps, Tx } from './app/ports';
import { orderRepository } from './storage/orders';
import { stockRepository } from './storage/stocks';
import { outboxWriter } from './storage/outbox';

export function lomsDeps(db: Database, paymentTimeoutMs: number): LomsDeps {
  return {
    inTransaction: <T>(work: (tx: Tx) => Promise<T>) => db.inTransaction((tx: Queryable) => work(tx as Tx)),
    orders: orderRepository(db.pool),
    stocks: stockRepository(db.pool),
    outbox: outboxWriter(),
    now: () => new Date(),
    newEventId: randomUUID,
    traceparent: () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    paymentTimeoutMs,
  };
}
