import { describe, expect, it } from 'vitest';
import { distribution, percentile } from './stats.ts';

describe('percentile', () => {
  it('takes the nearest rank of a sorted sample', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
  });

  it('is NaN for an empty sample', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('distribution', () => {
  it('sorts, counts and rounds to 0.01 ms', () => {
    expect(distribution([3, 1, 2.005, 4])).toEqual({
      count: 4,
      mean: 2.5,
      p50: 2.01,
      p90: 4,
      p99: 4,
      max: 4,
    });
  });
});
