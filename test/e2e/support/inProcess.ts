// LOMS and Notifications started inside the test process through their start* functions (TLS, ports 0).
import { startInProcess } from '@shop/testkit';
import { loadLomsConfig } from '../../../services/loms/src/config';
import { startLoms, type LomsHandle } from '../../../services/loms/src/startLoms';
import { loadNotificationsConfig } from '../../../services/notifications/src/config';
import { startNotifications, type NotificationsHandle } from '../../../services/notifications/src/startNotifications';
import { quickGroupEnv } from './stackEnv';

export function startInProcessLoms(env: Record<string, string>): Promise<LomsHandle> {
  return startInProcess(
    { name: 'loms', loadConfig: loadLomsConfig, start: startLoms },
    { OUTBOX_POLL_INTERVAL: '20ms', OUTBOX_SEND_TIMEOUT: '2s', ...env },
  );
}

export function startInProcessNotifications(env: Record<string, string>): Promise<NotificationsHandle> {
  const onFatal = (err: Error) => {
    // Surfaces in the test's output: a consumer that stopped for good is a bug these tests look for.
    console.error(`notifications consumer stopped for good: ${err.message}`);
  };
  return startInProcess(
    {
      name: 'notifications',
      loadConfig: loadNotificationsConfig,
      start: (config, logger) => startNotifications(config, logger, { onFatal }),
    },
    { ...quickGroupEnv, ...env },
  );
}
