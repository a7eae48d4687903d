// LOMS and Notifications started inside the test process through their start* functions (TLS, ports 0).
import { createLogger } from '@shop/platform';
import { loadLomsConfig } from '../../../services/loms/src/config';
import { startLoms, type LomsHandle } from '../../../services/loms/src/startLoms';
import { loadNotificationsConfig } from '../../../services/notifications/src/config';
import { startNotifications, type NotificationsHandle } from '../../../services/notifications/src/startNotifications';
import { quickGroupEnv, tlsServerEnv } from './stackEnv';

const logLevel = () => process.env.TEST_LOG_LEVEL ?? 'silent';
const serverEnv = () => ({
  ...tlsServerEnv(),
  GRPC_HOST: '127.0.0.1',
  GRPC_PORT: '0',
  ADMIN_PORT: '0',
  SHUTDOWN_GRACE: '1s',
  LOG_LEVEL: logLevel(),
});

export function startInProcessLoms(env: Record<string, string>): Promise<LomsHandle> {
  const config = loadLomsConfig({
    ...serverEnv(),
    OUTBOX_POLL_INTERVAL: '20ms',
    OUTBOX_SEND_TIMEOUT: '2s',
    ...env,
  });
  return startLoms(config, createLogger('loms', config.LOG_LEVEL));
}

export function startInProcessNotifications(env: Record<string, string>): Promise<NotificationsHandle> {
  const config = loadNotificationsConfig({
    ...serverEnv(),
    ...quickGroupEnv,
    ...env,
  });
  const fatal: Error[] = [];
  return startNotifications(config, createLogger('notifications', config.LOG_LEVEL), {
    onFatal: (err) => {
      fatal.push(err);
      // Surfaces in the test's output: a consumer that stopped for good is a bug these tests look for.
      console.error(`notifications consumer stopped for good: ${err.message}`);
    },
  });
}

/** A counter from a service's admin /metrics (0 when absent). */
export async function metric(adminPort: number, name: string): Promise<number> {
  const text = await (
    await fetch(`http://127.0.0.1:${adminPort}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    })
  ).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
