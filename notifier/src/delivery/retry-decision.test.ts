import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';
import { decideAfterFailure } from './retry-decision.ts';

const base = { createdAt: 0, now: 10_000, attempt: 1, random: () => 0.999_999 };

describe('decideAfterFailure', () => {
  it('fails a non-retriable failure at once', () => {
    expect(decideAfterFailure({ ...base, retriable: false, retryAfterMs: null })).toEqual({
      outcome: 'failed',
      reason: null,
    });
  });
  it('backs off exponentially from 1 s, capped at 5 min', () => {
    const at = (attempt: number) =>
      decideAfterFailure({ ...base, attempt, retriable: true, retryAfterMs: null });
    expect([1, 2, 3, 4].map((n) => at(n))).toEqual(
      [11_000, 12_000, 14_000, 18_000].map((t) => ({ outcome: 'retry', nextAttemptAt: t })),
    );
    expect(at(30)).toEqual({ outcome: 'retry', nextAttemptAt: 310_000 });
  });
  it('jitters the wait', () => {
    const low = decideAfterFailure({
      ...base,
      attempt: 3,
      retriable: true,
      retryAfterMs: null,
      random: () => 0,
    });
    expect(low).toEqual({ outcome: 'retry', nextAttemptAt: 13_200 });
  });
  it("waits the receiver's Retry-After instead of the backoff", () => {
    expect(decideAfterFailure({ ...base, retriable: true, retryAfterMs: 2_000 })).toEqual({
      outcome: 'retry',
      nextAttemptAt: 12_000,
    });
  });
  it('gives up past the give-up age', () => {
    expect(
      decideAfterFailure({ ...base, retriable: true, retryAfterMs: 60_000, giveUpAfterMs: 30_000 }),
    ).toEqual({
      outcome: 'failed',
      reason: 'gave up after 1 attempts',
    });
  });
});

describe('createRateLimiter', () => {
  const store = () => {
    const calls: { channelId: string; now: number; intervalMs: number }[] = [];
    return {
      calls,
      reserveSendSlot: async (o: (typeof calls)[number]) => {
        calls.push(o);
        return calls.length === 1 ? 0 : 700;
      },
    };
  };
  it("asks the store for a slot of the type's interval and passes on the wait it answers", async () => {
    const s = store();
    const limiter = createRateLimiter(s);
    expect(await limiter.reserve('a', 'slack', 1_000)).toBe(0);
    expect(await limiter.reserve('a', 'slack', 1_300)).toBe(700);
    expect(await limiter.reserve('d', 'discord', 1_300)).toBe(700);
    expect(s.calls).toEqual([
      { channelId: 'a', now: 1_000, intervalMs: 1_000 },
      { channelId: 'a', now: 1_300, intervalMs: 1_000 },
      { channelId: 'd', now: 1_300, intervalMs: 500 },
    ]);
  });
  it('does not limit types without an interval, nor ask the store', async () => {
    const s = store();
    const limiter = createRateLimiter(s, { slack: 1_000, webhook: 0 });
    expect(await Promise.all([1, 2, 3].map(() => limiter.reserve('w', 'webhook', 5)))).toEqual([0, 0, 0]);
    expect(await limiter.reserve('p', 'pagerduty', 5)).toBe(0);
    expect(s.calls).toEqual([]);
  });
});
