// The order life cycle: which status may follow which.
export const orderStatuses = ['NEW', 'AWAITING_PAYMENT', 'FAILED', 'PAYED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const allowedNext: Record<OrderStatus, readonly OrderStatus[]> = {
  NEW: ['AWAITING_PAYMENT', 'FAILED', 'CANCELLED'],
  AWAITING_PAYMENT: ['PAYED', 'CANCELLED'],
  FAILED: [],
  PAYED: [],
  CANCELLED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowedNext[from].includes(to);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (orderStatuses as readonly string[]).includes(value);
}
