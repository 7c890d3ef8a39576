import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { createSyncedLimiter } from './synced-limiter.ts';

/** Counts the shared store's calls: what the synced limiter exists to keep low. */
function countingStore(points: number) {
  const store = new RateLimiterMemory({ points: 1_000_000, duration: 60 });
  let calls = 0;
  const penalty = store.penalty.bind(store);
  store.penalty = (key, n, opts) => {
    calls += 1;
    return penalty(key, n, opts);
  };
  return { store, calls: () => calls, points };
}

const outcome = async (p: Promise<RateLimiterRes>) =>
  p.then(
    () => 'ok',
    (err) => (err instanceof RateLimiterRes ? 'refused' : 'error'),
  );

describe('createSyncedLimiter', () => {
  it('admits up to the limit, then refuses with the time left, calling the store once per sync', async () => {
    const { store, calls } = countingStore(10);
    let clock = 1_000;
    const limiter = createSyncedLimiter({ shared: store, points: 10, durationMs: 60_000, now: () => clock });
    const results = await Promise.all(Array.from({ length: 15 }, () => outcome(limiter.consume('k'))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.filter((r) => r === 'refused')).toHaveLength(5);
    await limiter.flush();
    expect(calls()).toBe(1);
    clock += 1;
    await expect(limiter.consume('k')).rejects.toMatchObject({ msBeforeNext: expect.any(Number) });
  });

  it('shares the count between gateways through the store: after a sync, each sees the others', async () => {
    const { store } = countingStore(10);
    const a = createSyncedLimiter({ shared: store, points: 10, durationMs: 60_000 });
    const b = createSyncedLimiter({ shared: store, points: 10, durationMs: 60_000 });
    for (let i = 0; i < 6; i += 1) await a.consume('k');
    await a.flush();
    await b.consume('k'); // b's first request: it learns the shared count at its sync
    await b.flush();
    const more = await Promise.all(Array.from({ length: 10 }, () => outcome(b.consume('k'))));
    expect(more.filter((r) => r === 'ok')).toHaveLength(3); // 6 (a) + 1 + 3 (b) = 10
  });

  it('opens a new window once the old one ended', async () => {
    const { store } = countingStore(2);
    let clock = 0;
    const limiter = createSyncedLimiter({ shared: store, points: 2, durationMs: 1_000, now: () => clock });
    await limiter.consume('k');
    await limiter.consume('k');
    expect(await outcome(limiter.consume('k'))).toBe('refused');
    clock = 1_500;
    expect(await outcome(limiter.consume('k'))).toBe('ok');
  });
});
