import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, percentileOf } from './latency-histogram.ts';

describe('latency histogram', () => {
  it('summarizes milliseconds at sub-millisecond resolution', () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 … 100 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
  });

  it('merges histograms encoded in other processes', () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    a.record(1);
    b.record(3);
    b.record(5);
    const merged = createLatencyHistogram();
    merged.addEncoded(a.encode());
    merged.addEncoded(b.encode());
    expect(merged.count).toBe(3);
    expect(merged.summary().max).toBeCloseTo(5, 1);
  });

  it('counts clock noise below zero as zero and is empty after reset', () => {
    const h = createLatencyHistogram();
    h.record(-0.2);
    expect(h.summary().max).toBeLessThan(0.01);
    h.reset();
    expect(h.summary()).toMatchObject({ count: 0, p99: 0 });
    expect(h.curve().every((p) => p.ms === 0)).toBe(true);
  });
});

describe('percentileOf', () => {
  it('takes the nearest rank', () => {
    expect(percentileOf([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentileOf([5, 1, 3, 2, 4], 100)).toBe(5);
    expect(percentileOf([], 50)).toBe(0);
  });
});
