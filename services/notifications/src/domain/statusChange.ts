// An order status event as Notifications accepts it: anything else is a dead letter.
import { isNotifiedStatus, messageFor, type Notification, type NotifiedStatus } from './notification';

/** The event's fields as read from the wire, not yet trusted. */
export interface StatusChangeCandidate {
  eventId: string;
  orderId: number;
  userId: number;
  /** The status name without the `ORDER_STATUS_` prefix, e.g. `PAYED`. */
  status: string;
  occurredAt: Date | undefined;
  /** The order's event number (1, 2, …); 0 when the producer did not number it. */
  version: number;
  traceparent?: string | undefined;
}

export interface StatusChange {
  eventId: string;
  orderId: number;
  userId: number;
  status: NotifiedStatus;
  occurredAt: Date;
  version: number;
  traceparent: string | undefined;
}

export class InvalidStatusChangeError extends Error {
  readonly code = 'INVALID_STATUS_CHANGE';
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'InvalidStatusChangeError';
  }
}

const maxVersion = 4_294_967_295;
// google.protobuf.Timestamp's range, the one the contract's RFC 3339 strings can carry.
const earliestOccurredAtMs = Date.parse('0001-01-01T00:00:00Z');
const latestOccurredAtMs = Date.parse('9999-12-31T23:59:59.999Z');
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks every field and reports all that are wrong, named as the proto names them. */
export function validateStatusChange(candidate: StatusChangeCandidate): StatusChange {
  const reasons: string[] = [];
  if (!uuid.test(candidate.eventId)) reasons.push('event_id: must be a UUID');
  if (!isPositiveId(candidate.orderId)) reasons.push('order_id: must be an integer greater than 0');
  if (!isPositiveId(candidate.userId)) reasons.push('user_id: must be an integer greater than 0');
  if (!isNotifiedStatus(candidate.status))
    reasons.push(`status: must be one of AWAITING_PAYMENT, FAILED, PAYED, CANCELLED (got ${candidate.status.slice(0, 40)})`);
  const occurredAt = candidate.occurredAt;
  if (occurredAt === undefined || Number.isNaN(occurredAt.getTime())) reasons.push('occurred_at: must be a timestamp');
  else if (occurredAt.getTime() < earliestOccurredAtMs || occurredAt.getTime() > latestOccurredAtMs)
    reasons.push('occurred_at: must be from 0001-01-01 to 9999-12-31');
  if (!Number.isInteger(candidate.version) || candidate.version < 0 || candidate.version > maxVersion)
    reasons.push(`version: must be an integer from 0 to ${maxVersion}`);
  if (reasons.length > 0 || occurredAt === undefined || !isNotifiedStatus(candidate.status)) throw new InvalidStatusChangeError(reasons);
  return {
    eventId: candidate.eventId.toLowerCase(),
    orderId: candidate.orderId,
    userId: candidate.userId,
    status: candidate.status,
    occurredAt,
    version: candidate.version,
    traceparent: candidate.traceparent,
  };
}

export function notificationOf(change: StatusChange, recordedAt: Date): Notification {
  return {
    eventId: change.eventId,
    userId: change.userId,
    orderId: change.orderId,
    status: change.status,
    message: messageFor(change.orderId, change.status),
    occurredAt: change.occurredAt,
    version: change.version,
    traceparent: change.traceparent,
    createdAt: recordedAt,
    deliveredAt: null,
  };
}

function isPositiveId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}
