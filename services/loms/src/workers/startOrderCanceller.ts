// The timeout canceller: cancels unpaid orders past their deadline, batch after batch, on an interval,
// `concurrency` batches at a time (each skips the orders the others hold). A failing iteration is logged and
// retried with backoff; it never stops the process.
import type { Logger } from '@shop/platform';
import { cancelExpiredOrders, type CancelExpiredResult } from '../app/cancelExpiredOrders';
import type { LomsDeps } from '../app/ports';
import { startPeriodicWorker } from './startPeriodicWorker';

export interface OrderCancellerOptions {
  intervalMs: number;
  batchSize: number;
  /** Batches in the database at once while there is a backlog. */
  concurrency: number;
  stuckNewAfterMs: number;
  onBatch?: (result: CancelExpiredResult) => void;
  onError?: (err: unknown) => void;
}

export function startOrderCanceller(deps: LomsDeps, logger: Logger, options: OrderCancellerOptions): { stop(): Promise<void> } {
  return startPeriodicWorker({
    intervalMs: options.intervalMs,
    maxBackoffMs: 30_000,
    runOnce: async (isStopped) => {
      // Keep taking full batches while there is a backlog.
      const drain = async () => {
        for (;;) {
          const result = await cancelExpiredOrders(deps, options);
          options.onBatch?.(result);
          const done = result.cancelledExpired + result.repairedNew;
          if (done > 0) logger.info({ ...result }, 'cancelled orders');
          if (isStopped() || (result.cancelledExpired < options.batchSize && result.repairedNew < options.batchSize)) break;
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, drain));
    },
    onFailure: (err, failures) => {
      options.onError?.(err);
      logger.warn({ err, failures }, 'order canceller iteration failed');
    },
  });
}
