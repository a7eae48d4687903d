// A service's process: config read once, its logger (Node's process warnings go to it too), its start, and its end
// on SIGTERM or SIGINT (the stop sequence, then exit) or when a part of it fails for good; a start-up that fails
// prints why and exits 1.
import { createLogger, type Logger } from '../logger';
import { exitProcess, onShutdownSignal } from '../shutdown';
import { logProcessWarnings } from './processWarnings';

export interface ServiceLifecycle {
  /** A part stopped for good (Notifications' consumer): the process exits so that its supervisor restarts it. */
  onFatal(err: Error): void;
}

export function runService<Config extends { LOG_LEVEL: string }>(service: {
  name: string;
  config: () => Config;
  start: (config: Config, logger: Logger, lifecycle: ServiceLifecycle) => Promise<{ stop(): Promise<void> }>;
}): void {
  const run = async () => {
    const config = service.config();
    const logger = createLogger(service.name, config.LOG_LEVEL);
    logProcessWarnings(logger);
    const running = await service.start(config, logger, { onFatal: () => void exitProcess(1) });
    onShutdownSignal(logger, running.stop);
  };
  run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    void exitProcess(1);
  });
}
