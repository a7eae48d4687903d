// What `grpcurl describe` gets by reflection: every proto file under proto/ as written, with its comments, and
// every file it imports by name.
import fs from 'node:fs';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptorSetPath, product } from '@shop/proto';
import { certsDir, repoRoot } from '@shop/devstack';
import { anyCaller } from '../auth/authInterceptor';
import { createLogger } from '../logger';
import { startGrpcServer, type GrpcServerHandle } from './grpcServer';
import { clientCredentials } from './tls';

type ReflectionAnswer = {
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_code: number; error_message: string };
};
type ReflectionClient = grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionAnswer> };

let server: GrpcServerHandle;
let client: ReflectionClient;

beforeAll(async () => {
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: path.join(certsDir(), 'server.crt'), keyFile: path.join(certsDir(), 'server.key') },
    authenticate: anyCaller,
    services: [{ name: 'product.v1.ProductService', definition: product.ProductServiceService, implementation: {} }],
    registry: new Registry(),
    logger: createLogger('reflection.test', 'silent'),
  });
  const reflectionProto = path.join(
    path.dirname(require.resolve('@grpc/reflection/package.json')),
    'build/proto/grpc/reflection/v1/reflection.proto',
  );
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: true, defaults: true })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (address: string, credentials: grpc.ChannelCredentials) => ReflectionClient } } };
  };
  client = new loaded.grpc.reflection.v1.ServerReflection(
    `localhost:${server.port}`,
    clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }),
  );
});
afterAll(async () => {
  client?.close();
  await server?.shutdown(100);
});

function ask(request: object): Promise<ReflectionAnswer> {
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.once('data', (answer: ReflectionAnswer) => {
      resolve(answer);
      stream.end();
    });
    stream.once('error', reject);
    stream.write(request);
  });
}

async function filesAnswering(request: object): Promise<FileDescriptorProto[]> {
  const answer = await ask(request);
  expect(answer.error_response, JSON.stringify(request)).toBeUndefined();
  return answer.file_descriptor_response!.file_descriptor_proto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
}

/** The comment lines right above `rpc <method>(` in the proto's source, as protoc records a leading comment. */
function commentAbove(source: string, method: string): string {
  const lines = source.split('\n');
  const at = lines.findIndex((line) => new RegExp(`^\\s*rpc\\s+${method}\\s*\\(`).test(line));
  const comment: string[] = [];
  for (let i = at - 1; i >= 0 && /^\s*\/\//.test(lines[i]!); i--) comment.unshift(lines[i]!.trimStart().slice(2));
  return comment.map((line) => `${line}\n`).join('');
}

const leadingComment = (file: FileDescriptorProto, pathInFile: number[]) =>
  file.sourceCodeInfo?.location.find((l) => l.path.join('.') === pathInFile.join('.'))?.leadingComments ?? '';

// Every file buf built from proto/ (scripts/gen.sh), found from the descriptor set: a new proto is covered as it lands.
const ourFiles = fromBinary(FileDescriptorSetSchema, fs.readFileSync(descriptorSetPath)).file.filter((f) =>
  fs.existsSync(path.join(repoRoot(), 'proto', f.name)),
);
const ourServices = ourFiles.flatMap((file) =>
  file.service.map((service) => ({ file: file.name, name: `${file.package}.${service.name}` })),
);

describe('reflection', () => {
  it('has services to describe', () => {
    expect(ourServices.map((s) => s.name)).toEqual(
      expect.arrayContaining(['checkout.v1.CheckoutService', 'loms.v1.LomsService', 'product.v1.ProductService']),
    );
  });

  it('lists the services of the server and health', async () => {
    const answer = await ask({ list_services: '' });
    expect(answer.list_services_response?.service.map((s) => s.name).sort()).toEqual([
      'grpc.health.v1.Health',
      'product.v1.ProductService',
    ]);
  });

  it.each(ourServices)('describes $name with the comments of its proto, method by method', async ({ file: fileName, name }) => {
    const [file] = await filesAnswering({ file_containing_symbol: name });
    expect(file?.name).toBe(fileName);
    const source = fs.readFileSync(path.join(repoRoot(), 'proto', fileName), 'utf8');
    const serviceIndex = file!.service.findIndex((s) => `${file!.package}.${s.name}` === name);
    const methods = file!.service[serviceIndex]!.method;
    const comments = methods.map((method, i) => leadingComment(file!, [6, serviceIndex, 2, i]));
    expect(comments).toEqual(methods.map((method) => commentAbove(source, method.name)));
    expect(comments.some((comment) => comment.trim().length > 0)).toBe(true);
  });

  it.each(ourFiles.map((f) => f.name))('answers every file that %s imports, by name', async (fileName) => {
    const [file] = await filesAnswering({ file_by_filename: fileName });
    for (const dependency of file!.dependency) {
      const [imported] = await filesAnswering({ file_by_filename: dependency });
      expect(imported?.name).toBe(dependency);
    }
  });
});
