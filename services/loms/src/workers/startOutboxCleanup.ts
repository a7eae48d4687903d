// Outbox retention: deletes published rows older than OUTBOX_RETENTION, in bounded batches, batch after
// batch until none is left, on every interval. It runs beside the relay, not inside it, so that deleting
// keeps pace with writing however busy publishing is. Replicas may run it side by side (SKIP LOCKED).
import type { Logger, Queryable } from '@shop/platform';
import { deletePublishedOlderThan } from '../storage/outboxRelayQueries';
import { startPeriodicWorker } from './startPeriodicWorker';

export interface OutboxCleanupOptions {
  retentionMs: number;
  intervalMs: number;
  /** Rows one DELETE removes at most: bounds each statement's locks and WAL burst. */
  batchSize: number;
  onDeleted?: (rows: number) => void;
  onError?: (err: unknown) => void;
}

export function startOutboxCleanup(db: Queryable, logger: Logger, options: OutboxCleanupOptions): { stop(): Promise<void> } {
  return startPeriodicWorker({
    intervalMs: options.intervalMs,
    maxBackoffMs: 60_000,
    runOnce: async (isStopped) => {
      let deleted = 0;
      for (;;) {
        const batch = await deletePublishedOlderThan(db, options.retentionMs, options.batchSize);
        deleted += batch;
        if (batch > 0) options.onDeleted?.(batch);
        if (isStopped() || batch < options.batchSize) break;
      }
      if (deleted > 0) logger.debug({ deleted }, 'deleted published outbox rows past retention');
    },
    onFailure: (err, failures) => {
      options.onError?.(err);
      logger.warn({ err: (err as Error).message, failures }, 'outbox cleanup failed');
    },
  });
}
