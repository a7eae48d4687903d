import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rateLimiter';

describe('RateLimiter', () => {
  it('allows a burst of the rate and refuses the next call in the same instant', () => {
    const limiter = new RateLimiter(10);
    const results = Array.from({ length: 11 }, () => limiter.tryTake('a', 1_000));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(results[10]).toBe(false);
  });

  it('gives one token back every 1/rate seconds', () => {
    const limiter = new RateLimiter(10);
    for (let i = 0; i < 10; i++) limiter.tryTake('a', 0);
    expect(limiter.tryTake('a', 50)).toBe(false);
    expect(limiter.tryTake('a', 100)).toBe(true);
  });

  it('counts each client separately', () => {
    const limiter = new RateLimiter(1);
    expect(limiter.tryTake('a', 0)).toBe(true);
    expect(limiter.tryTake('b', 0)).toBe(true);
    expect(limiter.tryTake('a', 0)).toBe(false);
  });

  it('never refuses a client that keeps calls at least 1/rate seconds apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 200 }), (rate, extraGapsMs) => {
        const limiter = new RateLimiter(rate);
        let now = 0;
        for (const extra of extraGapsMs) {
          now += 1000 / rate + extra;
          expect(limiter.tryTake('c', now)).toBe(true);
        }
      }),
    );
  });

  it('lets everything through when the rate is 0', () => {
    const limiter = new RateLimiter(0);
    expect(Array.from({ length: 100 }, () => limiter.tryTake('a', 0)).every(Boolean)).toBe(true);
  });
});
