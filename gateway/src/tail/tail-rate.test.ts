import { describe, expect, it } from 'vitest';
import { createTailRate } from './tail-rate.ts';

describe('the per-stream rate', () => {
  it('lets a second worth through at once, then counts the rest as skipped', () => {
    const rate = createTailRate(100, 0);
    const sent = Array.from({ length: 150 }, () => rate.take(0)).filter(Boolean).length;
    expect(sent).toBe(100);
    expect(rate.takeSkipped()).toBe(50);
    expect(rate.takeSkipped()).toBe(0);
  });

  it('refills at the rate, never above one second worth', () => {
    const rate = createTailRate(100, 0);
    for (let i = 0; i < 100; i += 1) rate.take(0);
    expect(rate.take(5)).toBe(false); // 5 ms: half a token
    expect(rate.take(10)).toBe(true); // 10 ms: one token
    expect(rate.take(10)).toBe(false);
    const later = Array.from({ length: 300 }, () => rate.take(60_000)).filter(Boolean).length;
    expect(later).toBe(100);
  });

  it('sends at most the rate over any long run', () => {
    const rate = createTailRate(100, 0);
    let sent = 0;
    // 1,000 events a second for ten seconds, one per millisecond.
    for (let t = 0; t < 10_000; t += 1) if (rate.take(t)) sent += 1;
    expect(sent).toBeLessThanOrEqual(100 + 10 * 100);
    expect(sent).toBeGreaterThanOrEqual(10 * 100);
    expect(rate.takeSkipped()).toBe(10_000 - sent);
  });

  it('ignores a clock that steps back', () => {
    const rate = createTailRate(2, 1_000);
    expect(rate.take(1_000)).toBe(true);
    expect(rate.take(1_000)).toBe(true);
    expect(rate.take(0)).toBe(false);
  });
});
