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
  it('lets one Slack message a second through per channel and says how long the next must wait', () => {
    const limiter = createRateLimiter();
    expect(limiter.reserve('a', 'slack', 1_000)).toBe(0);
    expect(limiter.reserve('a', 'slack', 1_300)).toBe(700);
    expect(limiter.reserve('b', 'slack', 1_300)).toBe(0);
    expect(limiter.reserve('a', 'slack', 2_000)).toBe(0);
  });
  it('does not limit types without an interval', () => {
    const limiter = createRateLimiter();
    expect([1, 2, 3].map(() => limiter.reserve('w', 'webhook', 5))).toEqual([0, 0, 0]);
  });
});
