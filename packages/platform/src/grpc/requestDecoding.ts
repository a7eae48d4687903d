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
let longFieldsByPath: Map<string, Map<number, { name: string; type: string }>> | undefined;

/** The 64-bit fields of each method's request, by field number, from the descriptor set of our protos. */
function longFieldsOf(path: string): Map<number, { name: string; type: string }> | undefined {
  if (!longFieldsByPath) {
    longFieldsByPath = new Map();
    const definitions = protoLoader.loadFileDescriptorSetFromBuffer(fs.readFileSync(descriptorSetPath));
    for (const service of Object.values(definitions)) {
      if (typeof service !== 'object' || 'format' in service) continue;
      for (const method of Object.values(service as protoLoader.ServiceDefinition)) {
        const fields = (method.requestType.type as { field?: { name: string; number: number; type: string }[] }).field ?? [];
        longFieldsByPath.set(method.path, new Map(fields.filter((f) => longFieldTypes.has(f.type)).map((f) => [f.number, f])));
      }
    }
  }
  return longFieldsByPath.get(path);
}

function explain(path: string, bytes: Buffer): FieldViolation {
  const outOfRange = outOfRangeField(bytes, longFieldsOf(path) ?? new Map());
  if (outOfRange) return { field: outOfRange, description: 'must be between -(2^53 - 1) and 2^53 - 1' };
  return { field: 'request', description: 'is not a valid protobuf encoding of the request message' };
}

/** The first top-level 64-bit field whose value a JavaScript number cannot hold exactly. */
function outOfRangeField(bytes: Buffer, longFields: Map<number, { name: string; type: string }>): string | undefined {
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      const field = longFields.get(fieldNo);
      if (!field || wireType !== (field.type.includes('FIXED') ? WireType.Bit64 : WireType.Varint)) {
        reader.skip(wireType, fieldNo);
        continue;
      }
      const value = BigInt(readLong(reader, field.type));
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return field.name;
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
