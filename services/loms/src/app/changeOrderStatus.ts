import { OrderNotFoundError } from '../domain/errors';
import type { OrderStatus } from '../domain/orderStatus';
import { statusChanged } from '../domain/statusChange';
import type { Order, OrderId } from '../domain/order';
import type { LomsDeps, ReservationSettlement } from './ports';

export type StatusDecision<R> =
  { kind: 'unchanged'; result: R } | { kind: 'change'; to: OrderStatus; settlement: ReservationSettlement; result: R };

// A status moves forward at most twice (NEW, AWAITING_PAYMENT, then a final one), so a change can lose
// at most two races; more means something is wrong, and the caller gets an error rather than a loop.
const maxAttempts = 3;

/**
 * Reads the order with the database's clock, lets `decide` choose what to do from the status and time it
 * sees (or throw), and applies the change in one statement only if the order is still as read. A change
 * that lost a race to another one (the canceller, a concurrent call) is decided again on the new status.
 */
export async function changeOrderStatus<R>(
  deps: LomsDeps,
  orderId: OrderId,
  decide: (order: Order, now: Date) => StatusDecision<R>,
): Promise<R> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const read = await deps.orders.getWithClock(orderId);
    if (!read) throw new OrderNotFoundError(orderId);
    const { order, now } = read;
    const decision = decide(order, now);
    if (decision.kind === 'unchanged') return decision.result;
    const event = statusChanged(order, decision.to, now, { eventId: deps.newEventId(), traceparent: deps.traceparent() });
    if (await deps.orders.changeStatusIfUnchanged(event, decision.settlement)) return decision.result;
  }
  throw new Error(`order ${orderId} changed status ${maxAttempts} times while being changed`);
}
