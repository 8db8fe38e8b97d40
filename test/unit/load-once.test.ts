/**
 * The lazy loads of the api (a route group's chunk, the idempotency guard) run once per
 * container, and a failed one is not kept: the next request loads again.
 */
import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../functions/core/load-once.js';

describe('loadOnce', () => {
  it('runs the load once for callers at the same time and after', async () => {
    let loads = 0;
    const get = loadOnce(async () => ++loads);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(await get()).toBe(1);
    expect(loads).toBe(1);
  });

  it('forgets a rejected load, so the next call tries again', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk out of reach');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('chunk out of reach');
    expect(await get()).toBe('loaded');
    expect(await get()).toBe('loaded');
    expect(loads).toBe(2);
  });
});
