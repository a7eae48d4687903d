import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loms } from '@shop/proto';
import { isUndecodable, tolerantDecoding } from './requestDecoding';

const definition = tolerantDecoding(loms.LomsServiceService);
const decode = (method: keyof typeof loms.LomsServiceService, bytes: Uint8Array) =>
  definition[method]!.requestDeserialize(Buffer.from(bytes));

describe('tolerant request decoding', () => {
  it('decodes a valid request as the generated code does', () => {
    const bytes = loms.GetOrderRequest.encode({ orderId: 42 }).finish();
    expect(decode('getOrder', bytes)).toEqual({ orderId: 42 });
  });

  it('names a 64-bit field whose value a JavaScript number cannot hold', () => {
    for (const value of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n]) {
      const bytes = new BinaryWriter().tag(1, WireType.Varint).int64(value).finish();
      const request = decode('getOrder', bytes);
      expect(isUndecodable(request) && request.violation.field, String(value)).toBe('order_id');
    }
    const listOrders = new BinaryWriter()
      .tag(2, WireType.Varint)
      .int32(10)
      .tag(1, WireType.Varint)
      .int64(2n ** 60n)
      .finish();
    const request = decode('listOrders', listOrders);
    expect(isUndecodable(request) && request.violation.field).toBe('user_id');
  });

  it('answers any bytes with a request or an UndecodableRequest, never by throwing', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom('createOrder', 'getOrder', 'listOrders', 'stocks' as const),
        (bytes, method) => {
          const request = decode(method, bytes);
          if (isUndecodable(request)) expect(['request', 'user_id', 'order_id']).toContain(request.violation.field);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('calls bytes that are no protobuf at all an invalid request', () => {
    const request = decode('createOrder', Uint8Array.from([0x08]));
    expect(isUndecodable(request) && request.violation).toEqual({
      field: 'request',
      description: 'is not a valid protobuf encoding of the request message',
    });
  });
});
