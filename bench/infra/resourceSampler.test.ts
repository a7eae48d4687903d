// The sampler's figures come from /proc: CPU time, and the run delay of every thread (time ready to run but
// waiting for a core), which only shows when there are more busy threads than cores.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleResources, sampleSelf } from './resourceSampler';

const spinners: ChildProcess[] = [];
afterEach(() => {
  for (const child of spinners.splice(0)) child.kill('SIGKILL');
});

const spin = (): ChildProcess => {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  spinners.push(child);
  return child;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sampleResources', () => {
  it('reports the CPU and the wait for a core of processes that outnumber the cores', async () => {
    const busy = Array.from({ length: os.availableParallelism() * 3 }, spin);
    await sleep(200);
    const sampler = sampleResources([{ name: 'spinners', pids: () => busy.map((c) => c.pid ?? 0) }], 100);
    await sleep(600);
    const { spinners: figures } = sampler.stop();
    // Three busy processes a core: each runs a third of the time at most and waits the rest (the margins leave
    // room for the other test files running at the same time).
    expect(figures?.cpuPercent).toBeGreaterThan(25 * os.availableParallelism());
    expect(figures?.waitPercent).toBeGreaterThan(figures?.cpuPercent ?? Infinity);
    expect(figures?.peakRssMb).toBeGreaterThan(10);
  });
});

describe('sampleSelf', () => {
  it('counts this process while it computes', () => {
    const sampler = sampleSelf();
    const until = performance.now() + 300;
    while (performance.now() < until);
    const figures = sampler.stop();
    expect(figures.cpuPercent).toBeGreaterThan(20);
    expect(figures.waitPercent).toBeGreaterThanOrEqual(0);
  });
});
