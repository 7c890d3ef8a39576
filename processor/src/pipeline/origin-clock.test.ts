import { describe, expect, it } from 'vitest';
import { createOriginClock } from './origin-clock.ts';

describe('origin clock', () => {
  it('skips a copy whose origin offset was seen already, per origin', () => {
    const clock = createOriginClock({ idleMs: 60_000, expected: [], now: 0 });
    expect(clock.admit('t:0', 5, 1_000, 0)).toBe(true);
    expect(clock.admit('t:0', 5, 1_000, 0)).toBe(false);
    expect(clock.admit('t:0', 4, 900, 0)).toBe(false);
    expect(clock.admit('t:1', 4, 900, 0)).toBe(true);
    expect(clock.admit('t:0', 6, 1_100, 0)).toBe(true);
    expect(clock.stats()).toEqual({ origins: 2, duplicates: 2 });
  });

  it('stream time is the lowest of the active origins, an expected origin not heard from holding it back', () => {
    const clock = createOriginClock({ idleMs: 60_000, expected: ['t:0', 't:1'], now: 0 });
    clock.admit('t:0', 0, 50_000, 1);
    expect(clock.streamTime(1)).toBe(Number.NEGATIVE_INFINITY);
    clock.admit('t:1', 0, 20_000, 2);
    expect(clock.streamTime(2)).toBe(20_000);
    clock.admit('t:1', 1, 70_000, 3);
    expect(clock.streamTime(3)).toBe(50_000);
  });

  it('an origin silent for longer than idleMs stops holding stream time back, and counts again when heard', () => {
    const clock = createOriginClock({ idleMs: 60_000, expected: ['t:0', 't:1'], now: 0 });
    clock.admit('t:0', 0, 10_000, 0);
    clock.admit('t:1', 0, 90_000, 0);
    clock.admit('t:1', 1, 95_000, 60_001);
    expect(clock.streamTime(60_001)).toBe(95_000);
    clock.admit('t:0', 1, 80_000, 60_002);
    expect(clock.streamTime(60_002)).toBe(80_000);
  });
});
