import { describe, expect, it } from 'vitest';
import { createDedupeWindow } from './dedupe-window.ts';

describe('dedupe window', () => {
  it('flags an id seen within the window of offsets', () => {
    const window = createDedupeWindow(10);
    expect(window.seen('a', 0)).toBe(false);
    expect(window.seen('b', 1)).toBe(false);
    expect(window.seen('a', 5)).toBe(true);
    expect(window.seen('b', 11)).toBe(true); // 1 is in [11 - 10, 11)
    expect(window.seen('c', 20)).toBe(false);
    expect(window.seen('c', 31)).toBe(false); // 20 < 31 - 10
  });

  it('counts a duplicate as a sighting, so a chain of republishes stays deduplicated', () => {
    const window = createDedupeWindow(10);
    window.seen('a', 0);
    expect(window.seen('a', 8)).toBe(true);
    expect(window.seen('a', 16)).toBe(true);
    expect(window.seen('a', 40)).toBe(false);
  });

  it('stays bounded by the window', () => {
    const window = createDedupeWindow(100);
    for (let o = 0; o < 10_000; o += 1) window.seen(`id-${o}`, o);
    expect(window.size).toBeLessThanOrEqual(101);
  });

  it('with a zero window never flags', () => {
    const window = createDedupeWindow(0);
    window.seen('a', 0);
    expect(window.seen('a', 1)).toBe(false);
  });
});
