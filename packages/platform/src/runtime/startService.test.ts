// startService's stop sequence: /readyz drains first, the first parts stop while the gRPC port still takes
// connections, the others once it is closed, and the admin port answers until every part has stopped.
import net from 'node:net';
import path from 'node:path';
import { expect, it } from 'vitest';
import { anyCaller } from '../auth/authInterceptor';
import { createLogger } from '../logger';
import { startService } from './startService';

const certs = path.resolve(__dirname, '../../../../certs');
const config = {
  GRPC_HOST: '127.0.0.1',
  GRPC_PORT: 0,
  ADMIN_PORT: 0,
  TLS_CERT_FILE: path.join(certs, 'server.crt'),
  TLS_KEY_FILE: path.join(certs, 'server.key'),
  SHUTDOWN_GRACE: 1_000,
  LOG_LEVEL: 'silent' as const,
  GRPC_MAX_IN_FLIGHT: 128,
  GRPC_MAX_CONCURRENT_STREAMS: 100,
};

const grpcPortOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
    socket.unref();
    setTimeout(() => socket.destroy(), 100);
  });

it('drains /readyz, stops the first parts before the gRPC server closes and the others before the admin port does', async () => {
  const seen: string[] = [];
  const ports = { grpc: 0, admin: 0 };
  const part = (name: string) => ({
    stop: async () => {
      const readyz = (await fetch(`http://127.0.0.1:${ports.admin}/readyz`)).status;
      seen.push(`${name}: readyz ${readyz}, gRPC port ${(await grpcPortOpen(ports.grpc)) ? 'open' : 'closed'}`);
    },
  });
  const service = await startService({
    name: 'test',
    config,
    logger: createLogger('test', 'silent'),
    build: () => ({ grpc: { authenticate: anyCaller, services: [] }, stopFirst: [part('first')], stopAfterCalls: [part('after calls')] }),
  });
  Object.assign(ports, { grpc: service.grpcPort, admin: service.adminPort });
  expect((await fetch(`http://127.0.0.1:${ports.admin}/readyz`)).status).toBe(200);

  await service.stop();

  expect(seen).toEqual(['first: readyz 503, gRPC port open', 'after calls: readyz 503, gRPC port closed']);
});
