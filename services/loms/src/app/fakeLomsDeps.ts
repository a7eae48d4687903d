// In-memory ports for use-case unit tests: orders and reservations as plain maps.
import type { Order } from '../domain/order';
import type { OrderStatusChanged } from '../domain/statusChange';
import type { LomsDeps, ReservationSettlement } from './ports';

export interface FakeLoms {
  deps: LomsDeps;
  orders: Map<number, Order>;
  written: { writtenOff: number[]; released: number[] };
  events: OrderStatusChanged[];
  setNow(date: Date): void;
  /** Runs once, right before the next conditional status change: a concurrent writer getting there first. */
  interleave(change: () => void): void;
}

export function fakeLomsDeps(initial: Order[] = []): FakeLoms {
  const orders = new Map(initial.map((o) => [o.id, { ...o }]));
  const written = { writtenOff: [] as number[], released: [] as number[] };
  const events: OrderStatusChanged[] = [];
  let now = new Date('2026-01-01T00:00:00Z');
  let nextEvent = 0;
  let interleaved: (() => void) | undefined;
  const tx = {};
  const applyIfUnchanged = (event: OrderStatusChanged, settlement: ReservationSettlement): boolean => {
    const order = orders.get(event.orderId);
    if (order?.status !== event.previousStatus || order.eventVersion !== event.version - 1) return false;
    orders.set(order.id, { ...order, status: event.status, updatedAt: event.occurredAt, eventVersion: event.version });
    (settlement === 'writeOff' ? written.writtenOff : written.released).push(order.id);
    events.push(event);
    return true;
  };
  const notUsed = () => Promise.reject(new Error('not used by this use case'));
  const deps: LomsDeps = {
    inTransaction: (work) => work(tx),
    orders: {
      createReservingStock: notUsed,
      getById: async (_, id) => orders.get(id),
      async getWithClock(id) {
        const order = orders.get(id);
        return order && { order, now };
      },
      async changeStatusIfUnchanged(event, settlement) {
        interleaved?.();
        interleaved = undefined;
        return applyIfUnchanged(event, settlement);
      },
      changeStatusesIfUnchanged: async (_, changes, settlement) =>
        changes.filter((event) => applyIfUnchanged(event, settlement)).map((event) => event.orderId),
      getByIdempotencyKey: async () => undefined,
      listByUser: notUsed,
      lockExpired: async (_, at, limit) =>
        [...orders.values()].filter((o) => o.status === 'AWAITING_PAYMENT' && o.paymentDeadline <= at).slice(0, limit),
      lockStuckNew: async (_, before, limit) =>
        [...orders.values()].filter((o) => o.status === 'NEW' && o.createdAt < before).slice(0, limit),
    },
    stocks: { getBySku: notUsed },
    inventory: {
      listWarehouses: notUsed,
      createWarehouse: notUsed,
      lockWarehouseForChange: notUsed,
      updateWarehouse: notUsed,
      setStockActivity: notUsed,
      setStockPriority: notUsed,
      claimKey: notUsed,
      storeResponse: notUsed,
      lockWarehouse: notUsed,
      createMissingRows: notUsed,
      lockStock: notUsed,
      applyChanges: notUsed,
      listMovements: notUsed,
      checkConsistency: notUsed,
    },
    clock: { now: async () => now },
    newEventId: () => `event-${(nextEvent += 1)}`,
    traceparent: () => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    paymentTimeoutMs: 600_000,
  };
  return { deps, orders, written, events, setNow: (d) => (now = d), interleave: (change) => (interleaved = change) };
}

/** Events an order in each status has had, when it took the usual path there. */
const eventsBefore: Record<Order['status'], number> = { NEW: 0, AWAITING_PAYMENT: 1, FAILED: 1, PAYED: 2, CANCELLED: 2 };

/** An order created 10 minutes before `deadline`. */
export function awaitingOrder(id: number, deadline: Date, status: Order['status'] = 'AWAITING_PAYMENT'): Order {
  return {
    id,
    userId: 7,
    status,
    items: [{ sku: 1, count: 2 }],
    createdAt: new Date(deadline.getTime() - 600_000),
    updatedAt: new Date(deadline.getTime() - 600_000),
    paymentDeadline: deadline,
    shortages: [],
    eventVersion: eventsBefore[status],
  };
}
