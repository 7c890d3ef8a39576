import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids.ts';

describe('SeenIds', () => {
  it('reports an id as new once', () => {
    const seen = new SeenIds(10);
    expect(seen.add('a')).toBe(true);
    expect(seen.add('a')).toBe(false);
    expect(seen.has('a')).toBe(true);
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const seen = new SeenIds(2);
    seen.add('a');
    seen.add('b');
    seen.add('c');
    expect(seen.size).toBe(2);
    expect(seen.has('a')).toBe(false);
    expect(seen.has('c')).toBe(true);
  });
});
