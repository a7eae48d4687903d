// Writes items in batches without a timer: an item that finds no write under way goes at once (with whatever arrived in
// the same turn of the event loop); items that arrive while a write is under way go together in the next one.
export interface CoalescingWriter<T> {
  /** Resolves once the batch holding the item is written; rejects with that batch's error. */
  write(item: T): Promise<void>;
}

export interface CoalescingWriterOptions<T> {
  writeBatch: (items: T[]) => Promise<void>;
  /** Most items a write takes; the rest wait for the next. */
  maxBatch: number;
  onBatch?: (size: number) => void;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function coalescingWriter<T>(options: CoalescingWriterOptions<T>): CoalescingWriter<T> {
  const queue: Waiting<T>[] = [];
  let writing = false;

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      options.onBatch?.(batch.length);
      try {
        await options.writeBatch(batch.map((w) => w.item));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  };

  return {
    write: (item) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (writing) return;
        writing = true;
        queueMicrotask(() => void drain());
      }),
  };
}
