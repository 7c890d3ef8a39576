import type { ActivityEntry } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { mergeActivity } from './activity-merge.ts';

const entry = (second: number, action: ActivityEntry['action'] = 'fired'): ActivityEntry => ({
  at: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
  actor: 'system',
  action,
});

describe('mergeActivity', () => {
  it('puts the refreshed page first and keeps the older entries loaded past it, none twice', () => {
    const shown = [entry(30), entry(20), entry(10), entry(5)];
    const first = [entry(40, 'acknowledged'), entry(30), entry(20)];
    expect(mergeActivity(first, shown)).toEqual([
      entry(40, 'acknowledged'),
      entry(30),
      entry(20),
      entry(10),
      entry(5),
    ]);
  });

  it('answers the page alone when nothing older was loaded, or the page is empty', () => {
    expect(mergeActivity([entry(9)], [])).toEqual([entry(9)]);
    expect(mergeActivity([], [entry(9)])).toEqual([]);
  });
});
