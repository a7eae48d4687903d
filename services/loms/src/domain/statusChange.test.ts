import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusChanged } from './statusChange';

describe('statusChanged', () => {
  it("numbers an order's events one after the version of its latest, for any order", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (eventVersion) => {
        const order = { id: 1, userId: 2, status: 'AWAITING_PAYMENT' as const, items: [{ sku: 3, count: 1 }], eventVersion };
        const event = statusChanged(order, 'PAYED', new Date(0), { eventId: 'e', traceparent: undefined });
        expect(event.version).toBe(eventVersion + 1);
        expect(event).toMatchObject({ orderId: 1, userId: 2, previousStatus: 'AWAITING_PAYMENT', status: 'PAYED' });
      }),
    );
  });
});
