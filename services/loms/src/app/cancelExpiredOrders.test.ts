import { describe, expect, it } from 'vitest';
import { cancelExpiredOrders } from './cancelExpiredOrders';
import { cancelOrder } from './cancelOrder';
import { awaitingOrder, fakeLomsDeps } from './fakeLomsDeps';
import { OrderStatusConflictError } from '../domain/errors';

const deadline = new Date('2026-01-01T00:10:00Z');

describe('cancelExpiredOrders', () => {
  it('cancels only orders past their deadline and orders stuck in NEW, one event each', async () => {
    const stuck = { ...awaitingOrder(3, deadline, 'NEW'), createdAt: new Date('2026-01-01T00:00:00Z') };
    const fake = fakeLomsDeps([awaitingOrder(1, deadline), awaitingOrder(2, new Date(deadline.getTime() + 60_000)), stuck]);
    fake.setNow(new Date(deadline.getTime() + 5_000));
    const result = await cancelExpiredOrders(fake.deps, { batchSize: 10, stuckNewAfterMs: 60_000 });
    expect(result).toEqual({ cancelledExpired: 1, repairedNew: 1, maxLagMs: 5_000 });
    expect([...fake.orders.values()].map((o) => o.status)).toEqual(['CANCELLED', 'AWAITING_PAYMENT', 'CANCELLED']);
    expect(fake.written.released.sort()).toEqual([1, 3]);
    expect(fake.events.map((e) => `${e.orderId}:${e.previousStatus}>${e.status}:v${e.version}`).sort()).toEqual([
      '1:AWAITING_PAYMENT>CANCELLED:v2',
      '3:NEW>CANCELLED:v1',
    ]);
    expect([...fake.orders.values()].map((o) => o.eventVersion)).toEqual([2, 1, 1]);
  });
});

describe('cancelOrder', () => {
  it('releases an awaiting order once and refuses a paid one', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline), awaitingOrder(2, deadline, 'PAYED')]);
    await cancelOrder(fake.deps, 1);
    await cancelOrder(fake.deps, 1);
    expect(fake.written.released).toEqual([1]);
    await expect(cancelOrder(fake.deps, 2)).rejects.toBeInstanceOf(OrderStatusConflictError);
  });
});
