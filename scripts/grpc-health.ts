// The image's HEALTHCHECK: grpc.health.v1.Health/Check of the whole server on 127.0.0.1:$GRPC_PORT over TLS; exits 0
// when it answers SERVING. It presents a client certificate (LOMS demands one; the others do not ask): files from
// HEALTH_CA_FILE, HEALTH_CLIENT_CERT_FILE and HEALTH_CLIENT_KEY_FILE; the port is the service's own GRPC_PORT
// (unset: 50051, Checkout's, whom the image starts by default).
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

type HealthClient = grpc.Client & {
  check(
    request: { service: string },
    options: Partial<grpc.CallOptions>,
    callback: (err: grpc.ServiceError | null, response: { status: string | number }) => void,
  ): void;
};

const servingStatus: Record<string, string> = { '1': 'SERVING', '2': 'NOT_SERVING', '3': 'SERVICE_UNKNOWN' };

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function check(): Promise<string> {
  const credentials = grpc.credentials.createSsl(
    fs.readFileSync(env('HEALTH_CA_FILE')),
    fs.readFileSync(env('HEALTH_CLIENT_KEY_FILE')),
    fs.readFileSync(env('HEALTH_CLIENT_CERT_FILE')),
  );
  const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
  // The server certificate names localhost (an IP address is no TLS server name).
  const client = new Health(`127.0.0.1:${process.env.GRPC_PORT || '50051'}`, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
  }) as unknown as HealthClient;
  const timeoutMs = Number(process.env.HEALTH_TIMEOUT_MS ?? 2_000);
  return new Promise<string>((resolve) =>
    client.check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err, response) => {
      client.close();
      if (err) return resolve(`error ${grpc.status[err.code]}: ${err.details}`);
      // The enum as its name or its number, whichever the generic client decodes.
      resolve(servingStatus[String(response.status)] ?? String(response.status));
    }),
  );
}

check()
  .then((status) => {
    console.log(status);
    process.exit(status === 'SERVING' ? 0 : 1);
  })
  .catch((err: unknown) => {
    console.log((err as Error).message);
    process.exit(1);
  });
