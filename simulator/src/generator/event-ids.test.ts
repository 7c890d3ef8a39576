import { describe, expect, it } from 'vitest';
import { createIsoClock, noiseEventId, runTag, scenarioEventId } from './event-ids.ts';

describe('event ids', () => {
  it('depend on the seed and the start time', () => {
    expect(runTag(1, 1000)).toBe(runTag(1, 1000));
    expect(runTag(1, 1000)).not.toBe(runTag(2, 1000));
    expect(runTag(1, 1000)).not.toBe(runTag(1, 1001));
    expect(runTag(1, 1000)).toMatch(/^[0-9a-f]{8}$/);
  });
  it('never collide between background and scenario events', () => {
    expect(noiseEventId('abcd0123', 33)).toBe('sim-abcd0123-33');
    expect(scenarioEventId('abcd0123', 3, 3)).toBe('sim-abcd0123-x3-3');
  });
});

describe('createIsoClock', () => {
  it('formats exactly like Date#toISOString', () => {
    const iso = createIsoClock();
    const start = Date.UTC(2026, 10, 21, 23, 59, 58);
    for (let ms = start; ms < start + 3_000; ms += 7) expect(iso(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [0, 5, 99, 100, 999, 1_000])
      expect(iso(start + ms)).toBe(new Date(start + ms).toISOString());
  });
});
