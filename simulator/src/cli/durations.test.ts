import { describe, expect, it } from 'vitest';
import { parseDuration } from './durations.ts';

describe('parseDuration', () => {
  it('reads ms, s, m, h and bare seconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('30')).toBe(30_000);
  });
  it('rejects anything else', () => {
    for (const bad of ['', 'soon', '5 minutes', '-1s', '1d']) expect(parseDuration(bad)).toBeNull();
  });
});
