// Runs the service's stop sequence once on SIGTERM or SIGINT, then exits; before any exit of the process, the
// hooks registered with beforeProcessExit (the trace exporter's flush) run, each for at most a few seconds.
import type { Logger } from './logger';
import { withTimeout } from './time/withTimeout';

const exitHooks: (() => Promise<void>)[] = [];
const exitHookTimeoutMs = 5_000;

/** `process.exit` skips `beforeExit`: whatever must leave the process (buffered spans) registers here. */
export function beforeProcessExit(hook: () => Promise<void>): void {
  exitHooks.push(hook);
}

/** Runs the exit hooks, then exits with `code`. */
export async function exitProcess(code: number): Promise<never> {
  await Promise.all(exitHooks.map((hook) => withTimeout(hook(), exitHookTimeoutMs, 'an exit hook').catch(() => undefined)));
  process.exit(code);
}

export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => {
        logger.info('stopped');
        void exitProcess(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        void exitProcess(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
