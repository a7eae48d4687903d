// Server reflection that serves the proto files as buf built them (scripts/gen.sh: every file under proto/ and
// its imports), source info included, so `grpcurl describe` shows the proto comments. proto-loader's own
// descriptors are rebuilt from protobufjs and carry no comments.
import fs from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { descriptorSetPath } from '@shop/proto';

let described: protoLoader.PackageDefinition | undefined;

/** Reflection listing `services` and describing every file of the descriptor set, and health. */
export function reflectionFor(services: string[]): ReflectionService {
  described ??= { ...filesAsBuilt(fs.readFileSync(descriptorSetPath)), ...protoLoader.loadSync(healthProtoPath) };
  return new ReflectionService(described, { services });
}

/** @grpc/reflection indexes the `fileDescriptorProtos` of each definition it is given, and reads nothing else. */
function filesAsBuilt(descriptorSet: Uint8Array): protoLoader.PackageDefinition {
  const files = fromBinary(FileDescriptorSetSchema, descriptorSet).file.map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file)),
  );
  const definition: protoLoader.ProtobufTypeDefinition = { format: 'FileDescriptorSet', type: {}, fileDescriptorProtos: files };
  return { 'buf.descriptorSet': definition as protoLoader.AnyDefinition };
}
