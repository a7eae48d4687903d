// grpc.health.v1.Health/Check of a whole server ('' service) as a promise; a call that fails answers with its code.
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
/** The enum as a name, whichever form the generic client decodes it to. */
const servingStatus: Record<string, string> = { '1': 'SERVING', '2': 'NOT_SERVING', SERVING: 'SERVING', NOT_SERVING: 'NOT_SERVING' };

type HealthClient = grpc.Client & {
  check(
    req: { service: string },
    options: Partial<grpc.CallOptions>,
    cb: (err: grpc.ServiceError | null, res: { status: string | number }) => void,
  ): void;
};

/** A client kept open between checks (a server being polled); `status()` is SERVING, NOT_SERVING or `error <code>`. */
export function healthProbe(address: string, credentials: grpc.ChannelCredentials): { status(): Promise<string>; close(): void } {
  const client = new Health(address, credentials, {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
  }) as unknown as HealthClient;
  return {
    status: () =>
      new Promise<string>((resolve) =>
        client.check({ service: '' }, { deadline: Date.now() + 2_000 }, (err, res) =>
          resolve(err ? `error ${grpc.status[err.code]}` : (servingStatus[String(res.status)] ?? String(res.status))),
        ),
      ),
    close: () => client.close(),
  };
}
