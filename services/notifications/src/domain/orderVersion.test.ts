import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { becomesLatest, placeOf } from './orderVersion';

describe('placeOf', () => {
  it('tells the next version, a gap, a stale event and an unnumbered one apart', () => {
    expect(placeOf(1, 0)).toEqual({ kind: 'next' });
    expect(placeOf(4, 3)).toEqual({ kind: 'next' });
    expect(placeOf(6, 3)).toEqual({ kind: 'after-gap', missing: 2 });
    expect(placeOf(3, 0)).toEqual({ kind: 'after-gap', missing: 2 });
    expect(placeOf(3, 3)).toEqual({ kind: 'stale' });
    expect(placeOf(2, 3)).toEqual({ kind: 'stale' });
    expect(placeOf(0, 3)).toEqual({ kind: 'unversioned' });
  });

  it('keeps the latest version the highest one seen, whatever order the versions arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 60 }), (arrivals) => {
        let latest = 0;
        const shown: number[] = [];
        for (const version of arrivals) {
          if (!becomesLatest(placeOf(version, latest))) continue;
          latest = version;
          shown.push(version);
        }
        // What becomes the latest only ever grows, and ends at the highest version that arrived.
        expect(shown).toEqual([...shown].sort((a, b) => a - b));
        expect(new Set(shown).size).toBe(shown.length);
        expect(latest).toBe(Math.max(0, ...arrivals));
      }),
    );
  });
});
