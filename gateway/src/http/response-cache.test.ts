import { describe, expect, it } from 'vitest';
import type { HttpResponse } from './http-types.ts';
import { createResponseCache } from './response-cache.ts';

const ok = (body: string): HttpResponse => ({ status: 200, body });

describe('response cache', () => {
  const setup = (ttlMs = 1_000, maxEntries = 10) => {
    let clock = 0;
    const cache = createResponseCache({ ttlMs, maxEntries, now: () => clock });
    let computed = 0;
    const compute =
      (body = 'page') =>
      async () => {
        computed++;
        return ok(`${body}-${computed}`);
      };
    return { cache, compute, computed: () => computed, advance: (ms: number) => (clock += ms) };
  };

  it('serves a second read from the cache', async () => {
    const { cache, compute, computed } = setup();
    expect(await cache.get('/api/alerts', compute())).toEqual(ok('page-1'));
    expect(await cache.get('/api/alerts', compute())).toEqual(ok('page-1'));
    expect(computed()).toBe(1);
  });

  it('shares one computation between concurrent misses', async () => {
    const { cache, compute, computed } = setup();
    await Promise.all([cache.get('k', compute()), cache.get('k', compute()), cache.get('k', compute())]);
    expect(computed()).toBe(1);
  });

  it('recomputes after invalidate (a new alert) and after the time limit', async () => {
    const { cache, compute, advance } = setup(1_000);
    await cache.get('k', compute());
    cache.invalidate();
    expect(await cache.get('k', compute())).toEqual(ok('page-2'));
    advance(999);
    expect(await cache.get('k', compute())).toEqual(ok('page-2'));
    advance(1);
    expect(await cache.get('k', compute())).toEqual(ok('page-3'));
  });

  it('keeps neither errors nor non-200 answers', async () => {
    const { cache } = setup();
    await expect(cache.get('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', async () => ({ status: 503, body: 'x' }))).toMatchObject({ status: 503 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', async () => ok('fine'))).toEqual(ok('fine'));
  });

  it('drops the oldest key past its size', async () => {
    const { cache, compute, computed } = setup(1_000, 2);
    await cache.get('a', compute());
    await cache.get('b', compute());
    await cache.get('c', compute());
    await cache.get('a', compute());
    expect(computed()).toBe(4);
    expect(cache.stats().entries).toBe(2);
  });
});
