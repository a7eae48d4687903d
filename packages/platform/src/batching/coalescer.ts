// Coalesces concurrent calls into batches: a call that finds a free slot goes at once, alone (no timer adds
// latency at low load); calls that arrive while every slot is busy queue, and the next free slot takes up to
// `maxBatch` of them together. A batch that fails is run again one input at a time, so that one input's
// failure is its own. A caller that gives up while queued is dropped before its batch forms; a batch's work
// stops only once all its callers have given up (runForCalls).
import { CallCancelledError, currentCallScope, runForCalls, whileCallerWaits, type CallScope } from '../grpc/callScope';
import { OverloadedError } from '../grpc/overloaded';

export interface CoalescerOptions<In, Out> {
  /** Runs one batch: one result per input, in the inputs' order. */
  run(batch: In[]): Promise<Out[]>;
  maxBatch: number;
  /** Batches running at once. */
  maxInFlight: number;
  /** Calls queued beyond this are refused with OverloadedError. */
  maxWaiting: number;
  /** Named in OverloadedError. */
  resource: string;
  /** Told the size of every batch that starts. */
  onBatch?(size: number): void;
}

interface Queued<In, Out> {
  input: In;
  scope: CallScope | undefined;
  resolve(value: Out): void;
  reject(err: unknown): void;
}

export function coalescer<In, Out>(options: CoalescerOptions<In, Out>): (input: In) => Promise<Out> {
  const queue: Queued<In, Out>[] = [];
  let inFlight = 0;

  const runBatch = (batch: Queued<In, Out>[]): Promise<void> =>
    runForCalls(
      batch.map((c) => c.scope),
      () => runOnce(batch),
    );
  const runOnce = async (batch: Queued<In, Out>[]): Promise<void> => {
    options.onBatch?.(batch.length);
    try {
      const results = await options.run(batch.map((c) => c.input));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} gave ${results.length} results`);
      batch.forEach((c, i) => c.resolve(results[i] as Out));
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      for (const c of batch) await runBatch([c]);
    }
  };

  const startBatches = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch: Queued<In, Out>[] = [];
      while (batch.length < options.maxBatch && queue.length > 0) {
        const next = queue.shift() as Queued<In, Out>;
        if (next.scope?.signal.aborted) next.reject(new CallCancelledError());
        else batch.push(next);
      }
      if (batch.length === 0) return;
      inFlight += 1;
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        startBatches();
      });
    }
  };

  return (input: In): Promise<Out> => {
    if (queue.length >= options.maxWaiting) return Promise.reject(new OverloadedError(options.resource));
    const done = new Promise<Out>((resolve, reject) => {
      queue.push({ input, scope: currentCallScope(), resolve, reject });
    });
    startBatches();
    return whileCallerWaits(done);
  };
}
