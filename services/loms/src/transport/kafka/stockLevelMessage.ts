// A stock level outbox row as the Kafka message of docs/events.md: key = the SKU, value = JSON of
// events.v1.StockLevelChanged, headers = CloudEvents 1.0 in Kafka binary mode, plus event-type and traceparent.
import type { Message } from 'kafkajs';
import { events } from '@shop/proto';
import type { StockLevelRow } from '../../storage/outboxRelayQueries';
import { cloudEventSource } from './orderStatusMessage';

export const stockEventTypeHeader = 'stock.level_changed';
export const stockCloudEventType = 'shop.stock.level_changed.v1';

export function stockLevelMessage(row: StockLevelRow, traceparent: string | undefined): Message {
  const p = row.payload;
  const value = events.StockLevelChanged.toJSON({
    eventId: row.event_id,
    sku: p.sku,
    warehouseId: p.warehouse_id,
    total: p.total,
    reserved: p.reserved,
    available: p.available,
    skuAvailable: p.sku_available,
    cause: p.cause,
    occurredAt: row.occurred_at,
  });
  const sku = String(p.sku);
  const headers: Record<string, string> = {
    'event-type': stockEventTypeHeader,
    ce_specversion: '1.0',
    ce_id: row.event_id,
    ce_source: cloudEventSource,
    ce_type: stockCloudEventType,
    ce_subject: sku,
    ce_time: row.occurred_at.toISOString(),
    'content-type': 'application/json',
  };
  if (traceparent) headers.traceparent = traceparent;
  return { key: sku, value: JSON.stringify(value), headers };
}
