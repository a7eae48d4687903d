import { describe, expect, it } from 'vitest';
import { sumOfSeries } from './serviceMetrics';

const text = `# HELP grpc_server_handled_total Calls
# TYPE grpc_server_handled_total counter
grpc_server_handled_total{grpc_method="CreateOrder",grpc_code="OK",caller="admin"} 120
grpc_server_handled_total{grpc_method="CreateOrder",grpc_code="UNAVAILABLE",caller="admin"} 3
grpc_server_handled_total{grpc_method="GetOrder",grpc_code="OK",caller="admin"} 7
loms_batch_size_sum{operation="create_order"} 123
loms_batch_size_count{operation="create_order"} 10
loms_batch_size_count{operation="status_change"} 4
up 1
`;

describe('sumOfSeries', () => {
  it('adds the series whose labels include every label asked for', () => {
    expect(sumOfSeries(text, 'grpc_server_handled_total', { grpc_method: 'CreateOrder' })).toBe(123);
    expect(sumOfSeries(text, 'grpc_server_handled_total', { grpc_method: 'CreateOrder', grpc_code: 'OK' })).toBe(120);
    expect(sumOfSeries(text, 'loms_batch_size_count', { operation: 'create_order' })).toBe(10);
  });

  it('reads a series without labels, and gives 0 for a metric that is not there', () => {
    expect(sumOfSeries(text, 'up')).toBe(1);
    expect(sumOfSeries(text, 'loms_batch_size')).toBe(0);
  });
});
