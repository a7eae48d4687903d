// What a user is told about an order, and when it was recorded and delivered.

/** The statuses LOMS emits events for (an order created in NEW emits none). */
export const notifiedStatuses = ['AWAITING_PAYMENT', 'FAILED', 'PAYED', 'CANCELLED'] as const;
export type NotifiedStatus = (typeof notifiedStatuses)[number];

export function isNotifiedStatus(value: string): value is NotifiedStatus {
  return (notifiedStatuses as readonly string[]).includes(value);
}

export interface Notification {
  eventId: string;
  userId: number;
  orderId: number;
  status: NotifiedStatus;
  message: string;
  occurredAt: Date;
  /** The order's event number; 0 when unknown. */
  version: number;
  traceparent: string | undefined;
  /** When Notifications recorded it; the history is ordered by this. */
  createdAt: Date;
  /** Null until a channel accepted it. */
  deliveredAt: Date | null;
}

export function messageFor(orderId: number, status: NotifiedStatus): string {
  switch (status) {
    case 'AWAITING_PAYMENT':
      return `Order ${orderId} is reserved and awaiting payment`;
    case 'FAILED':
      return `Order ${orderId} could not be placed: not enough stock`;
    case 'PAYED':
      return `Order ${orderId} is paid`;
    case 'CANCELLED':
      return `Order ${orderId} is cancelled`;
  }
}
