// The timeout canceller: cancels unpaid orders past their deadline, batch after batch, on an interval.
// A failing iteration is logged and retried with backoff; it never stops the process.
import type { Logger } from '@shop/platform';
import { cancelExpiredOrders, type CancelExpiredResult } from '../app/cancelExpiredOrders';
import type { LomsDeps } from '../app/ports';

export interface OrderCancellerOptions {
  intervalMs: number;
  batchSize: number;
  stuckNewAfterMs: number;
  onBatch?: (result: CancelExpiredResult) => void;
  onError?: (err: unknown) => void;
}

export function startOrderCanceller(deps: LomsDeps, logger: Logger, options: OrderCancellerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;

  const runOnce = async (): Promise<void> => {
    try {
      // Keep taking full batches while there is a backlog.
      for (;;) {
        const result = await cancelExpiredOrders(deps, options);
        options.onBatch?.(result);
        const done = result.cancelledExpired + result.repairedNew;
        if (done > 0) logger.info({ ...result }, 'cancelled orders');
        if (stopped || (result.cancelledExpired < options.batchSize && result.repairedNew < options.batchSize)) break;
      }
      failures = 0;
    } catch (err) {
      failures += 1;
      options.onError?.(err);
      logger.warn({ err, failures }, 'order canceller iteration failed');
    }
  };

  const schedule = () => {
    if (stopped) return;
    const backoffMs = failures === 0 ? options.intervalMs : Math.min(30_000, options.intervalMs * 2 ** Math.min(failures, 10));
    timer = setTimeout(() => {
      running = runOnce().finally(schedule);
    }, backoffMs);
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
