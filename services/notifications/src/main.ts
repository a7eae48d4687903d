// Notifications process: config, logger, start, and exit on a signal or when the consumer dies.
import './tracing';
import { createLogger, exitProcess, onShutdownSignal } from '@shop/platform';
import { loadNotificationsConfig } from './config';
import { startNotifications } from './startNotifications';

async function main(): Promise<void> {
  const config = loadNotificationsConfig();
  const logger = createLogger('notifications', config.LOG_LEVEL);
  // Exiting lets the supervisor restart us; a consumer that silently stopped would lose no data but deliver nothing.
  const service = await startNotifications(config, logger, { onFatal: () => void exitProcess(1) });
  onShutdownSignal(logger, service.stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  void exitProcess(1);
});
