// Starts the real Notifications in-process (TLS gRPC and admin on port 0) and talks to it as a client would.
import { callUnary, createLogger } from '@shop/platform';
import { notifications } from '@shop/proto';
import { shopperCredentials, trustEnv } from '@shop/testkit/src/credentials';
import { loadNotificationsConfig } from '../../src/config';
import { startNotifications, type NotificationsOptions } from '../../src/startNotifications';

export interface TestNotifications {
  list(request: Partial<notifications.ListNotificationsRequest>): Promise<notifications.ListNotificationsResponse>;
  /** Every notification of a user, following page tokens. */
  listAll(userId: number, pageSize: number): Promise<notifications.Notification[]>;
  metric(name: string): Promise<number>;
  readyz(): Promise<number>;
  grpcPort: number;
  stop(): Promise<void>;
}

export async function startTestNotifications(env: Record<string, string>, options: NotificationsOptions = {}): Promise<TestNotifications> {
  const config = loadNotificationsConfig({
    ...trustEnv(),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_GRACE: '1s',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const service = await startNotifications(config, createLogger('notifications', config.LOG_LEVEL), options);
  const client = new notifications.NotificationsServiceClient(`localhost:${service.grpcPort}`, shopperCredentials());
  const list = (request: Partial<notifications.ListNotificationsRequest>) =>
    callUnary(client.listNotifications.bind(client), notifications.ListNotificationsRequest.fromPartial(request), { timeoutMs: 5_000 });
  const admin = (p: string) => fetch(`http://127.0.0.1:${service.adminPort}${p}`, { signal: AbortSignal.timeout(5_000) });
  return {
    grpcPort: service.grpcPort,
    list,
    listAll: async (userId, pageSize) => {
      const all: notifications.Notification[] = [];
      let pageToken = '';
      do {
        const page = await list({ userId, pageSize, pageToken });
        all.push(...page.notifications);
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return all;
    },
    metric: async (name) => {
      const text = await (await admin('/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.split(' ')[1]) : 0;
    },
    readyz: async () => (await admin('/readyz')).status,
    stop: async () => {
      client.close();
      await service.stop();
    },
  };
}

export async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
