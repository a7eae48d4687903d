import { describe, expect, it } from 'vitest';
import { events } from '@shop/proto';
import type { StockLevelRow } from '../../storage/outboxRelayQueries';
import { stockLevelMessage } from './stockLevelMessage';

const row: StockLevelRow = {
  id: '11',
  event_type: 'stock.level_changed',
  event_id: '5b1d7c2a-9e3f-4a6b-8c0d-2e4f6a8b0c1d',
  payload: { sku: 1001, warehouse_id: 2, total: 12, reserved: 3, available: 9, sku_available: 15, cause: 'RECEIPT' },
  occurred_at: new Date('2026-01-01T00:05:00.123Z'),
  traceparent: null,
};

describe('stockLevelMessage', () => {
  it('is keyed by the SKU, carries the JSON of StockLevelChanged and the CloudEvents binary-mode headers beside event-type and traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const message = stockLevelMessage(row, traceparent);
    expect(message.key).toBe('1001');
    expect(JSON.parse(String(message.value))).toEqual({
      eventId: row.event_id,
      sku: 1001,
      warehouseId: 2,
      total: 12,
      reserved: 3,
      available: 9,
      skuAvailable: 15,
      cause: 'RECEIPT',
      occurredAt: '2026-01-01T00:05:00.123Z',
    });
    expect(message.headers).toEqual({
      'event-type': 'stock.level_changed',
      traceparent,
      ce_specversion: '1.0',
      ce_id: row.event_id,
      ce_source: 'loms',
      ce_type: 'shop.stock.level_changed.v1',
      ce_subject: '1001',
      ce_time: '2026-01-01T00:05:00.123Z',
      'content-type': 'application/json',
    });
  });

  it('leaves zero counts out of the JSON, as proto3 JSON does, and a reader takes them as 0', () => {
    const soldOut: StockLevelRow = {
      ...row,
      payload: { sku: 1001, warehouse_id: 2, total: 3, reserved: 3, available: 0, sku_available: 0, cause: 'OUT_OF_STOCK' },
    };
    const value = JSON.parse(String(stockLevelMessage(soldOut, undefined).value)) as Record<string, unknown>;
    expect(value).not.toHaveProperty('available');
    expect(value).not.toHaveProperty('skuAvailable');
    expect(events.StockLevelChanged.fromJSON(value)).toMatchObject({
      total: 3,
      reserved: 3,
      available: 0,
      skuAvailable: 0,
      cause: 'OUT_OF_STOCK',
    });
  });

  it('leaves traceparent out when the change was not traced', () => {
    expect(stockLevelMessage(row, undefined).headers).not.toHaveProperty('traceparent');
  });
});
