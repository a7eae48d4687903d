import './tracing';
import { createLogger, exitProcess, onShutdownSignal } from '@shop/platform';
import { loadLomsConfig } from './config';
import { startLoms } from './startLoms';

async function main(): Promise<void> {
  const config = loadLomsConfig();
  const logger = createLogger('loms', config.LOG_LEVEL);
  const loms = await startLoms(config, logger);
  onShutdownSignal(logger, loms.stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  void exitProcess(1);
});
