// What grpcurl relies on: health per service, and reflection that lists and describes services with no proto files.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lomsCredentials } from '@shop/devstack';
import { startLomsTestServer, type LomsTestServer } from './lomsTestServer';

let server: LomsTestServer;
// Any certificate of our CA may ask for health and reflection, also one allowed only two LOMS methods.
const credentials = () => lomsCredentials('payments');

beforeAll(async () => {
  server = await startLomsTestServer();
});
afterAll(() => server.stop());

function grpcPackage(protoFile: string): grpc.GrpcObject {
  return grpc.loadPackageDefinition(protoLoader.loadSync(protoFile, { keepCase: true, longs: String, enums: String, defaults: true }));
}

type Ctor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;

describe('health and reflection', () => {
  it('answers health checks for the server and for the LOMS service by name', async () => {
    const health = grpcPackage(require.resolve('grpc-health-check/proto/health/v1/health.proto')) as unknown as {
      grpc: { health: { v1: { Health: Ctor } } };
    };
    const client = new health.grpc.health.v1.Health(`localhost:${server.handle.grpcPort}`, credentials()) as grpc.Client & {
      check(req: { service: string }, cb: (err: grpc.ServiceError | null, res: { status: string }) => void): void;
    };
    const check = (service: string) =>
      new Promise<string>((resolve, reject) => client.check({ service }, (err, res) => (err ? reject(err) : resolve(res.status))));
    try {
      await expect.poll(() => check('')).toBe('SERVING');
      expect(await check('loms.v1.LomsService')).toBe('SERVING');
      await expect(check('no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
  });

  it('lists services and describes LOMS by reflection, with only the CA certificate', async () => {
    const reflectionProto = path.join(
      path.dirname(require.resolve('@grpc/reflection/package.json')),
      'build/proto/grpc/reflection/v1/reflection.proto',
    );
    const reflection = grpcPackage(reflectionProto) as unknown as { grpc: { reflection: { v1: { ServerReflection: Ctor } } } };
    const client = new reflection.grpc.reflection.v1.ServerReflection(
      `localhost:${server.handle.grpcPort}`,
      credentials(),
    ) as grpc.Client & {
      ServerReflectionInfo(): grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
    };
    const ask = (request: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = client.ServerReflectionInfo();
        stream.once('data', (res: Record<string, unknown>) => {
          resolve(res);
          stream.end();
        });
        stream.once('error', reject);
        stream.write(request);
      });
    try {
      const listed = (await ask({ list_services: '' })) as { list_services_response: { service: { name: string }[] } };
      expect(listed.list_services_response.service.map((s) => s.name).sort()).toEqual([
        'grpc.health.v1.Health',
        'loms.v1.InventoryService',
        'loms.v1.LomsService',
      ]);
      const described = (await ask({ file_containing_symbol: 'loms.v1.LomsService' })) as {
        file_descriptor_response: { file_descriptor_proto: Buffer[] };
      };
      const files = described.file_descriptor_response.file_descriptor_proto.map((b) => b.toString('latin1'));
      expect(files.some((f) => f.includes('loms/v1/') && f.includes('CreateOrder'))).toBe(true);
    } finally {
      client.close();
    }
  });
});
