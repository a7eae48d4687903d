// Recomputes every stock row from its records on an interval, so that the drift metric (set by lomsDeps for
// every full check) holds a recent count.
import type { Logger } from '@shop/platform';
import { checkStockConsistency } from '../app/checkStockConsistency';
import type { LomsDeps } from '../app/ports';
import { startPeriodicWorker } from './startPeriodicWorker';

export function startStockCheck(deps: LomsDeps, logger: Logger, options: { intervalMs: number }): { stop(): Promise<void> } {
  return startPeriodicWorker({
    intervalMs: options.intervalMs,
    maxBackoffMs: Math.max(options.intervalMs, 60_000),
    runOnce: async () => {
      const report = await checkStockConsistency(deps, []);
      if (report.driftsTotal > 0)
        logger.error({ rowsChecked: report.rowsChecked, drifts: report.driftsTotal }, 'stock rows drift from their movements');
    },
    onFailure: (err, failures) => logger.warn({ err, failures }, 'stock consistency check failed'),
  });
}
