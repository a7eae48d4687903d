// Outbox retention: deletes published rows older than OUTBOX_RETENTION, in bounded batches, batch after
// batch until none is left, on every interval. It runs beside the relay, not inside it, so that deleting
// keeps pace with writing however busy publishing is. Replicas may run it side by side (SKIP LOCKED).
import type { Logger, Queryable } from '@shop/platform';
import { deletePublishedOlderThan } from '../storage/outboxRelayQueries';

export interface OutboxCleanupOptions {
  retentionMs: number;
  intervalMs: number;
  /** Rows one DELETE removes at most: bounds each statement's locks and WAL burst. */
  batchSize: number;
  onDeleted?: (rows: number) => void;
  onError?: (err: unknown) => void;
}

export function startOutboxCleanup(db: Queryable, logger: Logger, options: OutboxCleanupOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;

  const runOnce = async (): Promise<void> => {
    try {
      let deleted = 0;
      for (;;) {
        const batch = await deletePublishedOlderThan(db, options.retentionMs, options.batchSize);
        deleted += batch;
        if (batch > 0) options.onDeleted?.(batch);
        if (stopped || batch < options.batchSize) break;
      }
      if (deleted > 0) logger.debug({ deleted }, 'deleted published outbox rows past retention');
      failures = 0;
    } catch (err) {
      failures += 1;
      options.onError?.(err);
      logger.warn({ err: (err as Error).message, failures }, 'outbox cleanup failed');
    }
  };

  const schedule = () => {
    if (stopped) return;
    const delayMs = failures === 0 ? options.intervalMs : Math.min(60_000, options.intervalMs * 2 ** Math.min(failures, 10));
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
