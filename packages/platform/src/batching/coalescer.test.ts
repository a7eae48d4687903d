import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentCallScope, runForCalls } from '../grpc/callScope';
import { OverloadedError } from '../grpc/overloaded';
import { coalescer } from './coalescer';

/** A batch runner whose batches finish only when the test says so. */
function heldRunner() {
  const batches: { inputs: number[]; finish(fail?: boolean): void }[] = [];
  const run = (inputs: number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({ inputs, finish: (fail) => (fail ? reject(new Error('batch failed')) : resolve(inputs.map((i) => i * 10))) });
    });
  return { batches, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescer', () => {
  it('sends a lone call at once, alone, and coalesces what queues behind a busy slot', async () => {
    const { batches, run } = heldRunner();
    const sizes: number[] = [];
    const submit = coalescer({ run, maxBatch: 3, maxInFlight: 1, maxWaiting: 100, resource: 'test', onBatch: (n) => sizes.push(n) });
    const first = submit(1);
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map(submit);
    batches[0]?.finish();
    expect(await first).toBe(10);
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.finish();
    await tick();
    batches[2]?.finish();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
    expect(sizes).toEqual([1, 3, 1]);
  });

  it('runs a failed batch again one input at a time, so that only the failing input fails', async () => {
    const submit = coalescer<number, number>({
      run: async (inputs) => {
        if (inputs.includes(13)) throw new Error(`unlucky ${inputs.join(',')}`);
        return inputs.map((i) => i + 1);
      },
      maxBatch: 10,
      maxInFlight: 1,
      maxWaiting: 100,
      resource: 'test',
    });
    const results = await Promise.allSettled([1, 12, 13, 14].map(submit));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 13, 'unlucky 13', 15]);
  });

  it("gives a batch's work up only once every one of its callers has given up", () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const scope = runForCalls(
      [
        { signal: a.signal, deadlineMs: 1_000 },
        { signal: b.signal, deadlineMs: 2_000 },
      ],
      () => currentCallScope(),
    );
    expect(scope?.deadlineMs).toBe(2_000);
    a.abort();
    expect(scope?.signal.aborted).toBe(false);
    b.abort();
    expect(scope?.signal.aborted).toBe(true);
    // Work that also serves a worker (no call) never gives up.
    expect(runForCalls([{ signal: a.signal, deadlineMs: 1_000 }, undefined], () => currentCallScope())).toBeUndefined();
  });

  it('refuses calls beyond the queue bound with OverloadedError', async () => {
    const { batches, run } = heldRunner();
    const submit = coalescer({ run, maxBatch: 10, maxInFlight: 1, maxWaiting: 2, resource: 'orders' });
    const accepted = [submit(1), submit(2), submit(3)];
    await expect(submit(4)).rejects.toBeInstanceOf(OverloadedError);
    batches[0]?.finish();
    await tick();
    batches[1]?.finish();
    expect(await Promise.all(accepted)).toEqual([10, 20, 30]);
  });

  it('answers every call with its own result and never runs more batches at once, or larger ones, than allowed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        async (gaps, maxBatch, maxInFlight) => {
          let running = 0;
          let mostRunning = 0;
          const seen: number[] = [];
          const submit = coalescer<number, string>({
            run: async (inputs) => {
              running += 1;
              mostRunning = Math.max(mostRunning, running);
              expect(inputs.length).toBeLessThanOrEqual(maxBatch);
              seen.push(...inputs);
              await tick();
              running -= 1;
              return inputs.map((i) => `r${i}`);
            },
            maxBatch,
            maxInFlight,
            maxWaiting: 1000,
            resource: 'test',
          });
          const calls: Promise<string>[] = [];
          for (const [i, gap] of gaps.entries()) {
            for (let t = 0; t < gap; t++) await tick();
            calls.push(submit(i));
          }
          expect(await Promise.all(calls)).toEqual(gaps.map((_, i) => `r${i}`));
          expect([...seen].sort((a, b) => a - b)).toEqual(gaps.map((_, i) => i));
          expect(mostRunning).toBeLessThanOrEqual(maxInFlight);
        },
      ),
      { numRuns: 100 },
    );
  });
});
