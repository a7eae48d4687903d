import { createLogger } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { startDeliveryWorker } from './startDeliveryWorker';

const logger = createLogger('test', 'silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function queueOf(count: number) {
  const due = Array.from({ length: count }, (_, i) => i);
  const limits: number[] = [];
  return {
    due,
    limits,
    claim: async (limit: number) => {
      limits.push(limit);
      return due.splice(0, limit);
    },
  };
}

describe('the delivery worker', () => {
  it('keeps as many deliveries under way as allowed, never more, and claims only what it has room for', async () => {
    const queue = queueOf(40);
    let inFlight = 0;
    let maxInFlight = 0;
    const delivered: number[] = [];
    const worker = startDeliveryWorker({
      claim: queue.claim,
      deliver: async (item) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await sleep(5 + (item % 3) * 5);
        inFlight--;
        delivered.push(item);
      },
      concurrency: 4,
      batchSize: 100,
      intervalMs: 10_000,
      logger,
    });
    const deadline = Date.now() + 10_000;
    while (delivered.length < 40 && Date.now() < deadline) await sleep(10);
    await worker.stop();
    expect(delivered.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(maxInFlight).toBe(4);
    expect(Math.max(...queue.limits)).toBe(4);
  });

  it('claims again as soon as a delivery ends, without waiting for the interval', async () => {
    const queue = queueOf(3);
    const delivered: number[] = [];
    const worker = startDeliveryWorker({
      claim: queue.claim,
      deliver: async (item) => void delivered.push(item),
      concurrency: 1,
      batchSize: 1,
      intervalMs: 60_000,
      logger,
    });
    const deadline = Date.now() + 5_000;
    while (delivered.length < 3 && Date.now() < deadline) await sleep(10);
    await worker.stop();
    expect(delivered).toEqual([0, 1, 2]);
  });

  it('aborts the deliveries under way on stop and waits for them to end', async () => {
    const queue = queueOf(2);
    const ended: string[] = [];
    const worker = startDeliveryWorker({
      claim: queue.claim,
      deliver: (item, signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            ended.push(`aborted ${item}`);
            resolve();
          }),
        ),
      concurrency: 2,
      batchSize: 10,
      intervalMs: 60_000,
      logger,
    });
    await sleep(50);
    await worker.stop();
    expect(ended.sort()).toEqual(['aborted 0', 'aborted 1']);
  });

  it('backs off after a failed claim and goes on', async () => {
    let failuresLeft = 2;
    const queue = queueOf(1);
    const delivered: number[] = [];
    const worker = startDeliveryWorker({
      claim: async (limit) => {
        if (failuresLeft-- > 0) throw new Error('database down');
        return queue.claim(limit);
      },
      deliver: async (item) => void delivered.push(item),
      concurrency: 2,
      batchSize: 10,
      intervalMs: 1_000,
      logger,
    });
    const deadline = Date.now() + 5_000;
    while (delivered.length < 1 && Date.now() < deadline) await sleep(10);
    await worker.stop();
    expect(delivered).toEqual([0]);
  });
});
