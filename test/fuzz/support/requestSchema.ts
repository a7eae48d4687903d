// The wire shape of every request the fuzz sends, and an encoder that writes any value into it, even ones
// the generated encoders refuse or wrap (int64 beyond 2^53, uint32 beyond 2^32, bools other than 0 and 1,
// repeated lists of any size).
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export type ScalarType = 'int64' | 'uint64' | 'int32' | 'uint32' | 'bool' | 'string';

export interface FieldSchema {
  /** As the proto names it: what a BadRequest field violation must say. */
  name: string;
  no: number;
  type: ScalarType | MessageSchema;
  repeated?: boolean;
  /** A repeated number written as one length-delimited run, as proto3 encoders write it. */
  packed?: boolean;
}

export type MessageSchema = readonly FieldSchema[];

/** Integers as bigint; strings as text or as raw bytes (not necessarily UTF-8); arrays for repeated fields. */
export type FieldValue = bigint | string | Uint8Array | MessageValue | FieldValue[];
export type MessageValue = { [field: string]: FieldValue };

export function encodeMessage(schema: MessageSchema, value: MessageValue, writer = new BinaryWriter()): BinaryWriter {
  for (const field of schema) {
    const v = value[field.name];
    if (v === undefined) continue;
    if (field.packed) {
      writePacked(writer, field, v as FieldValue[]);
      continue;
    }
    for (const one of field.repeated ? (v as FieldValue[]) : [v]) writeField(writer, field, one);
  }
  return writer;
}

export function encodeRequest(schema: MessageSchema, value: MessageValue): Buffer {
  return Buffer.from(encodeMessage(schema, value).finish());
}

function writePacked(writer: BinaryWriter, field: FieldSchema, values: FieldValue[]): void {
  writer.uint32(tag(field.no, WireType.LengthDelimited)).fork();
  for (const value of values) writer.uint64(BigInt.asUintN(64, value as bigint));
  writer.join();
}

function writeField(writer: BinaryWriter, field: FieldSchema, value: FieldValue): void {
  if (typeof field.type !== 'string') {
    writer.uint32(tag(field.no, WireType.LengthDelimited)).fork();
    encodeMessage(field.type, value as MessageValue, writer).join();
    return;
  }
  switch (field.type) {
    case 'string':
      if (value instanceof Uint8Array) writer.uint32(tag(field.no, WireType.LengthDelimited)).bytes(value);
      else writer.uint32(tag(field.no, WireType.LengthDelimited)).string(value as string);
      return;
    case 'int64':
    case 'int32':
      // int32 is sign-extended to ten bytes on the wire, like int64: write it the same way.
      writer.uint32(tag(field.no, WireType.Varint)).int64(value as bigint);
      return;
    case 'uint32':
    case 'uint64':
    case 'bool':
      // uint64 so that values beyond 2^32 reach the wire as they are (the reader keeps the low 32 bits of a
      // uint32; a bool is true for any value but 0).
      writer.uint32(tag(field.no, WireType.Varint)).uint64(BigInt.asUintN(64, value as bigint));
      return;
  }
}

export const tag = (fieldNo: number, wireType: WireType): number => ((fieldNo << 3) | wireType) >>> 0;

/** The int64 and uint64 fields at the top level of a request (ids, stock totals): what a JavaScript number may not hold. */
export const int64Fields = (schema: MessageSchema): FieldSchema[] => schema.filter((f) => f.type === 'int64' || f.type === 'uint64');

const orderItem: MessageSchema = [
  { name: 'sku', no: 1, type: 'uint32' },
  { name: 'count', no: 2, type: 'uint32' },
];

export const schemas = {
  lomsCreateOrder: [
    { name: 'user_id', no: 1, type: 'int64' },
    { name: 'items', no: 2, type: orderItem, repeated: true },
    { name: 'idempotency_key', no: 3, type: 'string' },
  ],
  orderId: [{ name: 'order_id', no: 1, type: 'int64' }],
  userPage: [
    { name: 'user_id', no: 1, type: 'int64' },
    { name: 'page_size', no: 2, type: 'int32' },
    { name: 'page_token', no: 3, type: 'string' },
  ],
  sku: [{ name: 'sku', no: 1, type: 'uint32' }],
  cartChange: [
    { name: 'user_id', no: 1, type: 'int64' },
    { name: 'sku', no: 2, type: 'uint32' },
    { name: 'count', no: 3, type: 'uint32' },
  ],
  userOnly: [{ name: 'user_id', no: 1, type: 'int64' }],
  purchase: [
    { name: 'user_id', no: 1, type: 'int64' },
    { name: 'idempotency_key', no: 2, type: 'string' },
  ],
  listSkus: [
    { name: 'start_after_sku', no: 1, type: 'uint32' },
    { name: 'count', no: 2, type: 'uint32' },
  ],
} satisfies Record<string, MessageSchema>;
