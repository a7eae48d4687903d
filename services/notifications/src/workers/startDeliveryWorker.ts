// Runs delivery when woken (a notification was just recorded) and every interval (retries that fell due).
import type { Logger } from '@shop/platform';

export interface DeliveryWorker {
  /** Asks for a run soon; cheap to call for every recorded notification. */
  wake(): void;
  /** Aborts deliveries under way and waits for the current run to end. */
  stop(): Promise<void>;
}

export function startDeliveryWorker(options: {
  /** Returns how many notifications it took; `batchSize` of them means more may be waiting. */
  runOnce: (signal: AbortSignal) => Promise<number>;
  batchSize: number;
  intervalMs: number;
  logger: Logger;
}): DeliveryWorker {
  const abort = new AbortController();
  let woken = false;
  let wakeUp: (() => void) | undefined;
  let failures = 0;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      wakeUp = done;
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
    });

  const loop = async () => {
    while (!abort.signal.aborted) {
      woken = false;
      let claimed = 0;
      try {
        claimed = await options.runOnce(abort.signal);
        failures = 0;
      } catch (err) {
        failures++;
        options.logger.warn({ err: (err as Error).message, failures }, 'delivery run failed; backing off');
      }
      if (abort.signal.aborted) return;
      if (failures > 0) await pause(Math.min(options.intervalMs, 100 * 2 ** failures));
      else if (claimed < options.batchSize && !woken) await pause(options.intervalMs);
    }
  };
  const running = loop();

  return {
    wake: () => {
      woken = true;
      wakeUp?.();
    },
    stop: async () => {
      abort.abort();
      wakeUp?.();
      await running;
    },
  };
}
