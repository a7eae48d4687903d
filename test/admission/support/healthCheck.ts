// grpc.health.v1.Health/Check as a promise: the status a server reports for `service` ('' is the whole server).
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');

export async function healthStatus(address: string, credentials: grpc.ChannelCredentials, service = ''): Promise<string> {
  const client = new Health(address, credentials) as unknown as grpc.Client & {
    check(
      req: { service: string },
      options: Partial<grpc.CallOptions>,
      cb: (err: grpc.ServiceError | null, res: { status: string | number }) => void,
    ): void;
  };
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(String(res.status)))),
    );
  } finally {
    client.close();
  }
}
