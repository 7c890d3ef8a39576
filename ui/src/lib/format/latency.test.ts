import { describe, expect, it } from 'vitest';
import { LatencyWindow, median } from './latency.ts';

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('LatencyWindow', () => {
  const detected = '2026-01-01T00:00:00.000Z';
  const at = (ms: number) => Date.parse(detected) + ms;

  it('reports the median of recorded deliveries', () => {
    const window = new LatencyWindow(10);
    for (const ms of [12, 40, 8]) window.record(detected, at(ms));
    expect(window.median()).toBe(12);
  });

  it('keeps only the newest samples', () => {
    const window = new LatencyWindow(3);
    for (const ms of [1000, 1000, 1000, 5, 5, 5]) window.record(detected, at(ms));
    expect(window.count).toBe(3);
    expect(window.median()).toBe(5);
  });

  it('skips replays older than maxAgeMs and clamps clock skew at zero', () => {
    const window = new LatencyWindow(10, 60_000);
    expect(window.record(detected, at(120_000))).toBe(false);
    expect(window.record(detected, at(-30))).toBe(true);
    expect(window.median()).toBe(0);
  });
});
