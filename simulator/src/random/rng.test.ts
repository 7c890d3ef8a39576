import { describe, expect, it } from 'vitest';
import { createRng, weightedPick } from './rng.ts';

const draw = (seed: number, n = 1_000) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.float());
};

describe('createRng', () => {
  it('repeats its sequence for a seed', () => {
    expect(draw(42)).toEqual(draw(42));
  });
  it('starts unrelated sequences for neighbouring seeds', () => {
    const firsts = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => Math.floor(draw(seed, 1)[0]! * 10)));
    expect(firsts.size).toBeGreaterThan(3);
  });
  it('draws uniform floats in [0, 1)', () => {
    const values = draw(1, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });
  it('keeps int within its bounds, both included', () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 2_000 }, () => rng.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('gives a log-normal with the requested median', () => {
    const rng = createRng(5);
    const values = Array.from({ length: 20_001 }, () => rng.logNormal(100, 0.5)).sort((a, b) => a - b);
    expect(values[10_000]).toBeGreaterThan(95);
    expect(values[10_000]).toBeLessThan(105);
  });
  it('formats hex and base62 ids of the requested length', () => {
    const rng = createRng(9);
    expect(rng.hex(32)).toMatch(/^[0-9a-f]{32}$/);
    expect(rng.hex(7)).toMatch(/^[0-9a-f]{7}$/);
    expect(rng.base62(12)).toMatch(/^[0-9a-zA-Z]{12}$/);
  });
});

describe('weightedPick', () => {
  it('follows the weights', () => {
    const rng = createRng(11);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (weightedPick(rng, ['a', 'b'], [9, 1]) === 'a') heavy++;
    expect(heavy / 10_000).toBeCloseTo(0.9, 1);
  });
});
