// The loop the LOMS background workers share: one iteration per interval, the next one scheduled only once
// the last has ended, backing off exponentially (up to maxBackoffMs) while iterations keep failing.
export interface PeriodicWorkerOptions {
  intervalMs: number;
  maxBackoffMs: number;
  /** One iteration; a long one should end early once `isStopped()` is true. A throw counts as a failure. */
  runOnce: (isStopped: () => boolean) => Promise<void>;
  /** Called for each failed iteration with the count of failures in a row, this one included. */
  onFailure: (err: unknown, failures: number) => void;
}

export function startPeriodicWorker(options: PeriodicWorkerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;
  const isStopped = () => stopped;

  const runOnce = async (): Promise<void> => {
    try {
      await options.runOnce(isStopped);
      failures = 0;
    } catch (err) {
      failures += 1;
      options.onFailure(err, failures);
    }
  };

  const schedule = () => {
    if (stopped) return;
    const delayMs = failures === 0 ? options.intervalMs : Math.min(options.maxBackoffMs, options.intervalMs * 2 ** Math.min(failures, 10));
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, delayMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
