// Keeps up to `concurrency` deliveries under way: claims as many due notifications as there is room for, when woken
// (a notification was recorded, a delivery ended) and every interval (retries that fell due).
import type { Logger } from '@shop/platform';

export interface DeliveryWorker {
  /** Asks for a claim soon; cheap to call for every recorded notification. */
  wake(): void;
  /** Aborts deliveries under way and waits for them and the current claim to end. */
  stop(): Promise<void>;
}

export interface DeliveryWorkerOptions<T> {
  /** Leases up to `limit` due items; each is handed to `deliver` at once. */
  claim: (limit: number) => Promise<T[]>;
  /** Delivers one item and records its outcome; a rejection is logged and the item's lease runs out. */
  deliver: (item: T, signal: AbortSignal) => Promise<void>;
  /** Most deliveries under way at once. */
  concurrency: number;
  /** Most items claimed by one statement. */
  batchSize: number;
  intervalMs: number;
  logger: Logger;
}

/** Claims that found less than they had room for are at least this far apart, and a claim waits at most this long
 * for half the slots to be free: a few milliseconds added to a delivery's start instead of a claim per notification. */
const gatherMs = 10;

export function startDeliveryWorker<T>(options: DeliveryWorkerOptions<T>): DeliveryWorker {
  const abort = new AbortController();
  const stopped = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  const inFlight = new Set<Promise<void>>();
  /** Something may have fallen due since the last claim. */
  let woken = false;
  let wakeUp: (() => void) | undefined;
  let failures = 0;

  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  /** Waits `ms`, or less when woken (unless `wakeable` is false) or stopped. */
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || (wakeable && woken) || abort.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      const onAbort = () => done();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      if (wakeable) wakeUp = done;
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', onAbort);
        if (wakeUp === done) wakeUp = undefined;
        resolve();
      }
    });

  const start = (item: T) => {
    const delivery = options
      .deliver(item, abort.signal)
      .catch((err: unknown) => options.logger.warn({ err: (err as Error).message }, 'delivery failed to record its outcome'))
      .finally(() => {
        inFlight.delete(delivery);
        // A free slot, and maybe the next notification of the same order is due now.
        wake();
      });
    inFlight.add(delivery);
  };

  /** With deliveries ending one by one, waits briefly for more to end: one claim for several free slots costs less. */
  const gatherRoom = async () => {
    const until = Date.now() + gatherMs;
    while (inFlight.size > options.concurrency / 2 && Date.now() < until && !abort.signal.aborted) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([...inFlight, stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, until - Date.now())))]);
      clearTimeout(timer);
    }
  };

  const loop = async () => {
    while (!abort.signal.aborted) {
      if (inFlight.size >= options.concurrency) {
        await Promise.race([...inFlight, stopped]);
        continue;
      }
      await gatherRoom();
      const room = Math.min(options.concurrency - inFlight.size, options.batchSize);
      woken = false;
      const claimedAt = Date.now();
      let claimed: T[] = [];
      try {
        claimed = await options.claim(room);
        failures = 0;
      } catch (err) {
        failures++;
        options.logger.warn({ err: (err as Error).message, failures }, 'claiming due notifications failed; backing off');
      }
      for (const item of claimed) start(item);
      if (failures > 0) await pause(Math.min(options.intervalMs, 100 * 2 ** failures), false);
      else if (claimed.length < room) {
        await pause(options.intervalMs, true);
        // Woken at once (notifications are being recorded): let a few more gather, so that one claim takes several.
        await pause(claimedAt + gatherMs - Date.now(), false);
      }
    }
    await Promise.allSettled([...inFlight]);
  };
  const running = loop();

  return {
    wake,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
