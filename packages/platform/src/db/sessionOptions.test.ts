import { describe, expect, it } from 'vitest';
import { sessionOptions } from './pool';

describe('sessionOptions', () => {
  it('turns settings into the -c flags of the options startup parameter', () => {
    expect(sessionOptions({ plan_cache_mode: 'force_generic_plan', lock_timeout: '2s' })).toBe(
      '-c plan_cache_mode=force_generic_plan -c lock_timeout=2s',
    );
  });

  it('keeps the server defaults when there is nothing to set', () => {
    expect(sessionOptions(undefined)).toBeUndefined();
    expect(sessionOptions({})).toBeUndefined();
  });

  it('refuses a value that would smuggle another flag in', () => {
    expect(() => sessionOptions({ plan_cache_mode: 'auto -c fsync=off' })).toThrow(/unsupported session setting/);
  });
});
