// Shutdown lets every call in progress answer: the last answers reach their clients whole, even large ones
// still being written when the last handler returns.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { product } from '@shop/proto';
import { certsDir } from '@shop/devstack';
import { anyCaller } from '../auth/authInterceptor';
import { createLogger } from '../logger';
import { startGrpcServer } from './grpcServer';
import { clientCredentials } from './tls';

const answerBytes = 3_900_000;

describe('gRPC server shutdown', () => {
  it('delivers the whole answer of every call in progress before it closes the connections', async () => {
    const server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      tls: { certFile: path.join(certsDir(), 'server.crt'), keyFile: path.join(certsDir(), 'server.key') },
      authenticate: anyCaller,
      services: [
        {
          name: 'product.v1.ProductService',
          definition: product.ProductServiceService,
          implementation: {
            getProduct: (call: grpc.ServerUnaryCall<{ sku: number }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
              setTimeout(() => callback(null, { name: 'x'.repeat(answerBytes), price: call.request.sku }), 300),
          },
        },
      ],
      registry: new Registry(),
      logger: createLogger('shutdown.test', 'silent'),
    });
    const client = new product.ProductServiceClient(
      `localhost:${server.port}`,
      clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }),
    );
    try {
      const calls = [1, 2, 3, 4, 5].map(
        (sku) =>
          new Promise<string>((resolve) =>
            client.getProduct({ sku }, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, answer) =>
              resolve(err ? `${sku}: ${grpc.status[err.code]}` : `${sku}: ${answer?.name.length ?? 0} bytes`),
            ),
          ),
      );
      await new Promise((r) => setTimeout(r, 150));
      await server.shutdown(5_000);
      expect(await Promise.all(calls)).toEqual([1, 2, 3, 4, 5].map((sku) => `${sku}: ${answerBytes} bytes`));
    } finally {
      client.close();
    }
  });
});
