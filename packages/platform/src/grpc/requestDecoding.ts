// Request bytes the generated decoder cannot read become INVALID_ARGUMENT naming the field where it can be
// told (an id beyond what a JavaScript number holds), instead of the INTERNAL grpc-js answers when a
// deserializer throws.
import fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { descriptorSetPath } from '@shop/proto';
import type { FieldViolation } from './invalidArgument';

const undecodable = Symbol('undecodable request');

/** What the handler receives in place of a request it could not decode. */
export interface UndecodableRequest {
  [undecodable]: true;
  violation: FieldViolation;
}

export const isUndecodable = (request: unknown): request is UndecodableRequest =>
  typeof request === 'object' && request !== null && undecodable in request;

/** The service definition with every request deserializer answering an UndecodableRequest instead of throwing. */
export function tolerantDecoding(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const tolerant: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    tolerant[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch {
          return { [undecodable]: true, violation: explain(method.path, bytes) } satisfies UndecodableRequest;
        }
      },
    };
  }
  return tolerant;
}

const longFieldTypes = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64']);

interface FieldInfo {
  name: string;
  type: string;
  /** The fields of a message-typed field (`warehouse.warehouse_id`), by number. */
  message?: MessageFields;
  repeated: boolean;
}
type MessageFields = Map<number, FieldInfo>;
interface DescriptorField {
  name: string;
  number: number;
  type: string;
  typeName: string;
  label: string;
}
type Definitions = protoLoader.PackageDefinition;

let fieldsByPath: Map<string, MessageFields> | undefined;

/** The 64-bit and message fields of each method's request, by field number, from the descriptor set of our protos. */
function fieldsOf(path: string): MessageFields | undefined {
  if (!fieldsByPath) {
    fieldsByPath = new Map();
    const definitions = protoLoader.loadFileDescriptorSetFromBuffer(fs.readFileSync(descriptorSetPath));
    for (const [serviceName, service] of Object.entries(definitions)) {
      if (typeof service !== 'object' || 'format' in service) continue;
      const pkg = serviceName.slice(0, serviceName.lastIndexOf('.'));
      for (const method of Object.values(service as protoLoader.ServiceDefinition))
        fieldsByPath.set(method.path, messageFields(definitions, pkg, method.requestType.type, 0));
    }
  }
  return fieldsByPath.get(path);
}

function messageFields(definitions: Definitions, pkg: string, type: unknown, depth: number): MessageFields {
  const fields = (type as { field?: DescriptorField[] }).field ?? [];
  const found: MessageFields = new Map();
  for (const f of fields) {
    const repeated = f.label === 'LABEL_REPEATED';
    if (longFieldTypes.has(f.type)) found.set(f.number, { name: f.name, type: f.type, repeated });
    if (f.type !== 'TYPE_MESSAGE' || depth >= 4) continue;
    // Type names in the loaded descriptors are relative to the package, or fully qualified.
    const name = f.typeName.replace(/^\./, '');
    const nested = (definitions[name] ?? definitions[`${pkg}.${name}`]) as { format?: string; type?: unknown } | undefined;
    if (nested?.type)
      found.set(f.number, { name: f.name, type: f.type, repeated, message: messageFields(definitions, pkg, nested.type, depth + 1) });
  }
  return found;
}

function explain(path: string, bytes: Buffer): FieldViolation {
  const outOfRange = outOfRangeField(bytes, fieldsOf(path) ?? new Map());
  if (outOfRange) return { field: outOfRange, description: 'must be between -(2^53 - 1) and 2^53 - 1' };
  return { field: 'request', description: 'is not a valid protobuf encoding of the request message' };
}

/** The first 64-bit field, also inside a message field, whose value a JavaScript number cannot hold exactly. */
function outOfRangeField(bytes: Uint8Array, fields: MessageFields): string | undefined {
  const seen = new Map<number, number>();
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      const field = fields.get(fieldNo);
      const index = seen.get(fieldNo) ?? 0;
      seen.set(fieldNo, index + 1);
      const name = field?.repeated ? `${field.name}[${index}]` : field?.name;
      if (field?.message && wireType === WireType.LengthDelimited) {
        const inner = outOfRangeField(reader.bytes(), field.message);
        if (inner) return `${name}.${inner}`;
        continue;
      }
      if (!field || wireType !== (field.type.includes('FIXED') ? WireType.Bit64 : WireType.Varint)) {
        reader.skip(wireType, fieldNo);
        continue;
      }
      const value = BigInt(readLong(reader, field.type));
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return name;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function readLong(reader: BinaryReader, type: string): bigint | string {
  switch (type) {
    case 'TYPE_UINT64':
      return reader.uint64();
    case 'TYPE_SINT64':
      return reader.sint64();
    case 'TYPE_FIXED64':
      return reader.fixed64();
    case 'TYPE_SFIXED64':
      return reader.sfixed64();
    default:
      return reader.int64();
  }
}
