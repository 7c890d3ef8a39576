import { describe, expect, it } from 'vitest';
import { formatDuration, relativeTime } from './relative-time.ts';

const now = Date.parse('2026-01-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [4_999, 'just now'],
    [12_000, '12 s ago'],
    [5 * 60_000 + 30_000, '5 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [50 * 3_600_000, '2 d ago'],
  ])('%i ms ago reads %s', (ms, text) => {
    expect(relativeTime(ago(ms), now)).toBe(text);
  });

  it('reads a slightly future time (clock skew) as just now', () => {
    expect(relativeTime(ago(-2_000), now)).toBe('just now');
  });

  it('accepts epoch milliseconds and shows a dash for garbage', () => {
    expect(relativeTime(now - 90_000, now)).toBe('1 min ago');
    expect(relativeTime('yesterday-ish', now)).toBe('—');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [1_234, '1.2 s'],
    [42_000, '42 s'],
    [180_000, '3 min'],
    [90_000, '1 min 30 s'],
    [9_000_000, '2 h 30 min'],
    [86_400_000, '1 d'],
    [-1_500, '−1.5 s'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
