// Starts the real Notifications in-process (TLS gRPC and admin on port 0) and talks to it as a client would.
import { callUnary } from '@shop/platform';
import { notifications } from '@shop/proto';
import { shopperCredentials } from '@shop/devstack';
import { scrapeMetric, startInProcess } from '@shop/testkit';
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
  const service = await startInProcess(
    { name: 'notifications', loadConfig: loadNotificationsConfig, start: (config, logger) => startNotifications(config, logger, options) },
    env,
  );
  const client = new notifications.NotificationsServiceClient(`localhost:${service.grpcPort}`, shopperCredentials());
  const list = (request: Partial<notifications.ListNotificationsRequest>) =>
    callUnary(client.listNotifications.bind(client), notifications.ListNotificationsRequest.fromPartial(request), { timeoutMs: 5_000 });
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
    metric: (name) => scrapeMetric(service.adminPort, name),
    readyz: async () => (await fetch(`http://127.0.0.1:${service.adminPort}/readyz`, { signal: AbortSignal.timeout(5_000) })).status,
    stop: async () => {
      client.close();
      await service.stop();
    },
  };
}
