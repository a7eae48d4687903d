// Reads a Kafka message as the JSON mapping of events.v1.OrderStatusChanged, with its optional CloudEvents headers;
// field rules are the domain's. Reading never throws anything but UnreadableMessageError.
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { StatusChangeCandidate } from '../../domain/statusChange';
import { readOrderStatusChangedJson } from './orderStatusChangedJson';

export const statusChangedEventType = 'order.status_changed';
export const statusChangedCloudEventType = 'shop.order.status_changed.v1';

/** The message is not an order status event as the contract writes it: not UTF-8 JSON of OrderStatusChanged, or another event type. */
export class UnreadableMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableMessageError';
  }
}

const maxReasons = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readStatusChange(message: Pick<KafkaMessage, 'value' | 'headers'>): StatusChangeCandidate {
  try {
    return read(message);
  } catch (err) {
    if (err instanceof UnreadableMessageError) throw err;
    // Whatever else reading a message throws is about this message: it must not stop the consumer.
    throw new UnreadableMessageError(`value could not be read: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
  }
}

function read(message: Pick<KafkaMessage, 'value' | 'headers'>): StatusChangeCandidate {
  const headers = message.headers;
  refuseOtherTypes(headers);
  if (!message.value || message.value.length === 0) throw new UnreadableMessageError('empty value');
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch {
    throw new UnreadableMessageError('value is not UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UnreadableMessageError(`value is not JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UnreadableMessageError('value is not a JSON object');
  const result = readOrderStatusChangedJson(json as Record<string, unknown>);
  if (!result.ok) throw new UnreadableMessageError(joinReasons(result.reasons));
  const event = result.fields;
  refuseEnvelopeMismatch(headers, event.eventId, event.orderId);
  return { ...event, traceparent: header(headers, 'traceparent') };
}

/** `event-type`, and the CloudEvents `ce_type`, `ce_specversion` and `content-type`, when present, must be ours. */
function refuseOtherTypes(headers: IHeaders | undefined): void {
  const reasons: string[] = [];
  const eventType = header(headers, 'event-type');
  if (eventType !== undefined && eventType !== statusChangedEventType)
    reasons.push(`event-type is ${quoted(eventType)}, expected ${statusChangedEventType}`);
  const ceType = header(headers, 'ce_type');
  if (ceType !== undefined && ceType !== statusChangedCloudEventType)
    reasons.push(`ce_type is ${quoted(ceType)}, expected ${statusChangedCloudEventType}`);
  const specVersion = header(headers, 'ce_specversion');
  if (specVersion !== undefined && specVersion !== '1.0') reasons.push(`ce_specversion is ${quoted(specVersion)}, expected 1.0`);
  const contentType = header(headers, 'content-type');
  if (contentType !== undefined && !/^application\/json\s*(;.*)?$/i.test(contentType))
    reasons.push(`content-type is ${quoted(contentType)}, expected application/json`);
  if (reasons.length > 0) throw new UnreadableMessageError(joinReasons(reasons));
}

/** The CloudEvents id and subject, when present, must name the same event and order as the value. */
function refuseEnvelopeMismatch(headers: IHeaders | undefined, eventId: string, orderId: number): void {
  const reasons: string[] = [];
  const ceId = header(headers, 'ce_id');
  if (ceId !== undefined && ceId.toLowerCase() !== eventId.toLowerCase())
    reasons.push(`ce_id is ${quoted(ceId)}, but event_id is ${quoted(eventId)}`);
  const subject = header(headers, 'ce_subject');
  if (subject !== undefined && subject !== String(orderId)) reasons.push(`ce_subject is ${quoted(subject)}, but order_id is ${orderId}`);
  if (reasons.length > 0) throw new UnreadableMessageError(joinReasons(reasons));
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? undefined : first.toString();
}

function joinReasons(reasons: string[]): string {
  const shown = reasons.slice(0, maxReasons).join('; ');
  return reasons.length > maxReasons ? `${shown}; and ${reasons.length - maxReasons} more` : shown;
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
