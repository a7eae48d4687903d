// Composition root of Checkout.
import './tracing';
import { createLogger, exitProcess, onShutdownSignal } from '@shop/platform';
import { loadCheckoutConfig } from './config';
import { startCheckout } from './startCheckout';

async function main(): Promise<void> {
  const config = loadCheckoutConfig();
  const logger = createLogger('checkout', config.LOG_LEVEL);
  const checkout = await startCheckout(config, logger);
  onShutdownSignal(logger, checkout.stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  void exitProcess(1);
});
