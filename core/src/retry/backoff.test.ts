import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { REDELIVERY, UI_RECONNECT } from './policies.ts';

const fixed = (value: number) => () => value;
const TOP = 0.999_999;

describe('backoffDelay', () => {
  it('doubles from initialMs, retry 1 waiting the initial step', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, UI_RECONNECT, fixed(TOP)))).toEqual([
      500, 1000, 2000, 4000,
    ]);
  });

  it('is capped at maxMs however many tries failed', () => {
    expect(backoffDelay(50, UI_RECONNECT, fixed(TOP))).toBe(30_000);
    expect(backoffDelay(1_000_000, UI_RECONNECT, fixed(0))).toBe(15_000);
    expect(backoffDelay(1_000_000, { initialMs: 0, maxMs: 10 }, fixed(0))).toBe(0);
  });

  it('keeps (1 − jitter) of each step whatever the random draw', () => {
    expect(backoffDelay(1, UI_RECONNECT, fixed(0))).toBe(250);
    expect(backoffDelay(4, UI_RECONNECT, fixed(0))).toBe(2000);
    expect(backoffDelay(1, REDELIVERY, fixed(0))).toBe(80);
  });

  it('jitters 20 % of the step by default', () => {
    expect(backoffDelay(3, REDELIVERY, fixed(0))).toBe(320);
    expect(backoffDelay(3, REDELIVERY, fixed(TOP))).toBe(400);
  });

  it('waits exactly the step with jitter 0', () => {
    expect(backoffDelay(3, { initialMs: 100, maxMs: 5_000, jitter: 0 }, Math.random)).toBe(400);
  });

  it('spreads clients across the step', () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => backoffDelay(5, UI_RECONNECT, fixed(r))));
    expect(delays.size).toBe(3);
  });

  it('treats a retry number below 1 as the first', () => {
    expect(backoffDelay(0, REDELIVERY, fixed(TOP))).toBe(100);
  });
});
