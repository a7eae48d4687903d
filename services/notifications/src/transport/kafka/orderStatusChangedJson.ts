// Reads the proto3 JSON mapping of events.v1.OrderStatusChanged strictly: every field of the wrong JSON type is named,
// where the generated fromJSON would coerce it (`true` → 1) or throw a TypeError (`items: [null]`).
import { loms } from '@shop/proto';

export interface OrderStatusChangedFields {
  eventId: string;
  orderId: number;
  userId: number;
  /** The enum name without `ORDER_STATUS_` (`PAYED`), or the unknown name or number as sent. */
  status: string;
  occurredAt: Date | undefined;
  version: number;
}

/** Either the fields, or every reason the value is not this message, as `field: problem`. */
export type ReadResult = { ok: true; fields: OrderStatusChangedFields } | { ok: false; reasons: string[] };

const maxUint32 = 4_294_967_295;
const maxEchoedChars = 40;

export function readOrderStatusChangedJson(json: Record<string, unknown>): ReadResult {
  const reasons: string[] = [];
  const field = (camel: string, snake: string): unknown => {
    const hasCamel = Object.hasOwn(json, camel);
    if (hasCamel && camel !== snake && Object.hasOwn(json, snake)) reasons.push(`${snake}: given twice (as ${camel} and ${snake})`);
    const value = hasCamel ? json[camel] : json[snake];
    // In the JSON mapping null stands for the field's default value.
    return value === null ? undefined : value;
  };
  const fields: OrderStatusChangedFields = {
    eventId: readString(field('eventId', 'event_id'), 'event_id', reasons),
    orderId: readInteger(field('orderId', 'order_id'), 'order_id', reasons),
    userId: readInteger(field('userId', 'user_id'), 'user_id', reasons),
    status: readStatus(field('status', 'status'), 'status', reasons),
    occurredAt: readTimestamp(field('occurredAt', 'occurred_at'), 'occurred_at', reasons),
    version: readUint32(field('version', 'version'), 'version', reasons),
  };
  readStatus(field('previousStatus', 'previous_status'), 'previous_status', reasons);
  readItems(field('items', 'items'), reasons);
  return reasons.length === 0 ? { ok: true, fields } : { ok: false, reasons };
}

function readString(value: unknown, name: string, reasons: string[]): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  reasons.push(`${name}: must be a JSON string (got ${describe(value)})`);
  return '';
}

/** int64: a JSON number without a fraction, or a decimal string. Range rules beyond that are the domain's. */
function readInteger(value: unknown, name: string, reasons: string[]): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,30}$/.test(value)) return Number(value);
  reasons.push(`${name}: must be an integer, as a JSON number or a decimal string (got ${describe(value)})`);
  return 0;
}

function readUint32(value: unknown, name: string, reasons: string[]): number {
  const before = reasons.length;
  const n = readInteger(value, name, reasons);
  if (reasons.length > before) return 0;
  if (n < 0 || n > maxUint32) {
    reasons.push(`${name}: must be an integer from 0 to ${maxUint32} (got ${describe(value)})`);
    return 0;
  }
  return n;
}

function readStatus(value: unknown, name: string, reasons: string[]): string {
  if (value === undefined) return 'UNSPECIFIED';
  if (typeof value === 'string') return value.replace(/^ORDER_STATUS_/, '').slice(0, maxEchoedChars);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const known = loms.orderStatusToJSON(loms.orderStatusFromJSON(value));
    return known === 'UNRECOGNIZED' ? String(value) : known.replace(/^ORDER_STATUS_/, '');
  }
  reasons.push(`${name}: must be an enum name or number (got ${describe(value)})`);
  return 'UNSPECIFIED';
}

// RFC 3339 as google.protobuf.Timestamp takes it: years 0001 to 9999, up to nine fraction digits, Z or an offset.
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const earliestMs = new Date('0001-01-01T00:00:00Z').getTime();
const latestMs = new Date('9999-12-31T23:59:59.999Z').getTime();

function readTimestamp(value: unknown, name: string, reasons: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const problem = `${name}: must be an RFC 3339 timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (got ${describe(value)})`;
  const m = typeof value === 'string' ? rfc3339.exec(value) : null;
  if (!m) {
    reasons.push(problem);
    return undefined;
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetMinutes = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  const fieldsHold =
    utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  const at = utc.getTime() - offsetMinutes * 60_000;
  if (!fieldsHold || Math.abs(offsetMinutes) >= 24 * 60 || at < earliestMs || at > latestMs) {
    reasons.push(problem);
    return undefined;
  }
  return new Date(at);
}

function readItems(value: unknown, reasons: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    reasons.push(`items: must be a JSON array (got ${describe(value)})`);
    return;
  }
  const before = reasons.length;
  // The first bad item is reason enough: a reason stays short however many items are sent.
  for (let i = 0; i < value.length && reasons.length === before; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      reasons.push(`items[${i}]: must be an object (got ${describe(item)})`);
      continue;
    }
    const entry = item as Record<string, unknown>;
    for (const key of ['sku', 'count']) {
      const v = entry[key];
      if (v !== null && v !== undefined) readUint32(v, `items[${i}].${key}`, reasons);
    }
  }
}

/** What a value is, short enough for a reason header whatever its size. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > maxEchoedChars ? `${value.slice(0, maxEchoedChars)}… (${value.length} characters)` : value;
    return JSON.stringify(shown);
  }
  return `${typeof value} ${String(value).slice(0, maxEchoedChars)}`;
}
