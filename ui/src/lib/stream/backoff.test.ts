import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

const opts = (random: number) => ({ baseMs: 500, maxMs: 30_000, random: () => random });

describe('backoffDelay', () => {
  it('grows exponentially from the base', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts(0.999999)))).toEqual([500, 1000, 2000, 4000]);
  });

  it('keeps at least half of each step whatever the jitter', () => {
    expect(backoffDelay(0, opts(0))).toBe(250);
    expect(backoffDelay(3, opts(0))).toBe(2000);
  });

  it('is capped at maxMs however many attempts failed', () => {
    expect(backoffDelay(50, opts(0.999999))).toBe(30_000);
    expect(backoffDelay(1_000_000, opts(0))).toBe(15_000);
  });

  it('spreads clients across the step (jitter)', () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => backoffDelay(4, opts(r))));
    expect(delays.size).toBe(3);
  });
});
