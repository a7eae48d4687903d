// Composition root of the local ProductService.
import './tracing';
import { createLogger, exitProcess, onShutdownSignal } from '@shop/platform';
import { loadProductsConfig } from './config';
import { startProducts } from './startProducts';

async function main(): Promise<void> {
  const config = loadProductsConfig();
  const logger = createLogger('products', config.LOG_LEVEL);
  const products = await startProducts(config, logger);
  onShutdownSignal(logger, products.stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  void exitProcess(1);
});
