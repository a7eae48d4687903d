import type { Order } from '../domain/order';
import { statusChanged } from '../domain/statusChange';
import type { LomsDeps } from './ports';

export interface CancelExpiredResult {
  cancelledExpired: number;
  repairedNew: number;
  /** How late the most overdue cancelled order was, in ms. */
  maxLagMs: number;
}

/**
 * One batch of the timeout canceller: cancels unpaid orders past their deadline, and orders a crash
 * left in NEW for longer than `stuckNewAfterMs`. Replica-safe: rows locked elsewhere are skipped.
 */
export async function cancelExpiredOrders(
  deps: LomsDeps,
  options: { batchSize: number; stuckNewAfterMs: number },
): Promise<CancelExpiredResult> {
  return deps.inTransaction(async (tx) => {
    const now = await deps.clock.now(tx);
    const expired = await deps.orders.lockExpired(tx, now, options.batchSize);
    const stuck = await deps.orders.lockStuckNew(tx, new Date(now.getTime() - options.stuckNewAfterMs), options.batchSize);
    const orders: Order[] = [...expired, ...stuck];
    if (orders.length === 0) return { cancelledExpired: 0, repairedNew: 0, maxLagMs: 0 };
    const events = orders.map((order) =>
      statusChanged(order, 'CANCELLED', now, { eventId: deps.newEventId(), traceparent: deps.traceparent() }),
    );
    // The orders are locked: every change applies.
    await deps.orders.changeStatusesIfUnchanged(tx, events, 'release');
    const maxLagMs = Math.max(0, ...expired.map((o) => now.getTime() - o.paymentDeadline.getTime()));
    return { cancelledExpired: expired.length, repairedNew: stuck.length, maxLagMs };
  });
}
