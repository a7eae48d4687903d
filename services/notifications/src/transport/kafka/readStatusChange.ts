// Reads a Kafka message as the JSON mapping of events.v1.OrderStatusChanged; field rules are the domain's.
import { events, loms } from '@shop/proto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { StatusChangeCandidate } from '../../domain/statusChange';

export const statusChangedEventType = 'order.status_changed';

/** The message is not an order status event at all: not JSON, not an object, or another event type. */
export class UnreadableMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableMessageError';
  }
}

export function readStatusChange(message: Pick<KafkaMessage, 'value' | 'headers'>): StatusChangeCandidate {
  const eventType = header(message.headers, 'event-type');
  if (eventType !== undefined && eventType !== statusChangedEventType)
    throw new UnreadableMessageError(`event-type is ${JSON.stringify(eventType)}, expected ${statusChangedEventType}`);
  if (!message.value || message.value.length === 0) throw new UnreadableMessageError('empty value');
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (err) {
    throw new UnreadableMessageError(`value is not JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UnreadableMessageError('value is not a JSON object');
  const event = events.OrderStatusChanged.fromJSON(json);
  return {
    eventId: event.eventId,
    orderId: event.orderId,
    userId: event.userId,
    status: loms.orderStatusToJSON(event.status).replace(/^ORDER_STATUS_/, ''),
    occurredAt: event.occurredAt,
    traceparent: header(message.headers, 'traceparent'),
  };
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
