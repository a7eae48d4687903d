import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleeper } from './sleeper';

describe('sleeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settled = (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    return () => done;
  };

  it('sleeps for as long as asked when nothing cuts it short', async () => {
    const s = sleeper();
    const done = settled(s.sleep(1_000));
    await vi.advanceTimersByTimeAsync(999);
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  });

  it('ends at once on end()', async () => {
    const s = sleeper();
    const done = settled(s.sleep(60_000));
    s.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
  });

  it('brings a sleep forward to the moment endBy names, and never pushes one back', async () => {
    const s = sleeper();
    const first = settled(s.sleep(1_000));
    s.endBy(Date.now() + 30);
    s.endBy(Date.now() + 500);
    await vi.advanceTimersByTimeAsync(29);
    expect(first()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first()).toBe(true);

    const second = settled(s.sleep(100));
    s.endBy(Date.now() + 5_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(second()).toBe(true);
  });

  it('ends a sleep whose moment has passed at once, and ignores endBy with no sleep', async () => {
    const s = sleeper();
    s.endBy(0);
    const done = settled(s.sleep(1_000));
    s.endBy(Date.now() - 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(done()).toBe(true);
  });
});
