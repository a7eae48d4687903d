import { describe, expect, it } from 'vitest';
import { OrderNotFoundError, OrderStatusConflictError, PaymentDeadlinePassedError } from '../domain/errors';
import { awaitingOrder, fakeLomsDeps } from './fakeLomsDeps';
import { payOrder } from './payOrder';

const deadline = new Date('2026-01-01T00:10:00Z');

describe('payOrder', () => {
  it('writes the reservation off and records one PAYED event with the trace of the request', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline)]);
    await payOrder(fake.deps, 1);
    expect(fake.orders.get(1)?.status).toBe('PAYED');
    expect(fake.written).toEqual({ writtenOff: [1], released: [] });
    expect(fake.events).toMatchObject([
      { orderId: 1, status: 'PAYED', previousStatus: 'AWAITING_PAYMENT', version: 2, traceparent: expect.stringMatching(/^00-/) },
    ]);
  });

  it('does nothing for an order already paid', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline, 'PAYED')]);
    await payOrder(fake.deps, 1);
    expect(fake.written.writtenOff).toEqual([]);
    expect(fake.events).toEqual([]);
  });

  it('cancels an order paid after its deadline, releasing its stock, and says the deadline passed', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline)]);
    fake.setNow(deadline);
    await expect(payOrder(fake.deps, 1)).rejects.toBeInstanceOf(PaymentDeadlinePassedError);
    expect(fake.orders.get(1)?.status).toBe('CANCELLED');
    expect(fake.written).toEqual({ writtenOff: [], released: [1] });
    expect(fake.events.map((e) => e.status)).toEqual(['CANCELLED']);
  });

  it('refuses cancelled and failed orders, and unknown ones', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline, 'CANCELLED'), awaitingOrder(2, deadline, 'FAILED')]);
    await expect(payOrder(fake.deps, 1)).rejects.toBeInstanceOf(OrderStatusConflictError);
    await expect(payOrder(fake.deps, 2)).rejects.toBeInstanceOf(OrderStatusConflictError);
    await expect(payOrder(fake.deps, 3)).rejects.toBeInstanceOf(OrderNotFoundError);
    expect(fake.events).toEqual([]);
  });
});

describe('payOrder racing another change', () => {
  it('decides again when another event of the order was written between reading and writing, and numbers its own next', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline)]);
    fake.interleave(() => fake.orders.set(1, { ...awaitingOrder(1, deadline), eventVersion: 2 }));
    await payOrder(fake.deps, 1);
    expect(fake.events.map((e) => [e.status, e.version])).toEqual([['PAYED', 3]]);
    expect(fake.orders.get(1)?.eventVersion).toBe(3);
  });

  it('refuses the payment when the order was cancelled between reading and writing it, and writes nothing', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline)]);
    fake.interleave(() => fake.orders.set(1, { ...awaitingOrder(1, deadline), status: 'CANCELLED' }));
    await expect(payOrder(fake.deps, 1)).rejects.toBeInstanceOf(OrderStatusConflictError);
    expect(fake.written).toEqual({ writtenOff: [], released: [] });
    expect(fake.events).toEqual([]);
  });

  it('succeeds without a second write when a concurrent payment got there first', async () => {
    const fake = fakeLomsDeps([awaitingOrder(1, deadline)]);
    fake.interleave(() => fake.orders.set(1, { ...awaitingOrder(1, deadline), status: 'PAYED' }));
    await payOrder(fake.deps, 1);
    expect(fake.events).toEqual([]);
  });
});
