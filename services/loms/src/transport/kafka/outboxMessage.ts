// Where an outbox row goes and what it says: order status events to the order topic keyed by order id,
// stock level events to the stock topic keyed by SKU.
import type { Message } from 'kafkajs';
import type { OutboxRow } from '../../storage/outboxRelayQueries';
import { orderStatusMessage } from './orderStatusMessage';
import { stockLevelMessage } from './stockLevelMessage';

export interface OutboxTopics {
  orderStatus: string;
  stockLevels: string;
}

export interface OutboxAddress {
  topic: string;
  key: string;
}

export const outboxAddress = (row: OutboxRow, topics: OutboxTopics): OutboxAddress =>
  row.event_type === 'stock.level_changed'
    ? { topic: topics.stockLevels, key: String(row.payload.sku) }
    : { topic: topics.orderStatus, key: row.order_id };

export const outboxMessage = (row: OutboxRow, traceparent: string | undefined): Message =>
  row.event_type === 'stock.level_changed' ? stockLevelMessage(row, traceparent) : orderStatusMessage(row, traceparent);
