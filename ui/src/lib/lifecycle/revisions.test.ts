import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { isNewer, latestById, replaceAlerts, revisionOf } from './revisions.ts';

describe('revisions', () => {
  it('counts an alert without a revision (from before episodes) as the first', () => {
    expect(revisionOf(makeAlert())).toBe(1);
    expect(isNewer(makeAlert({ revision: 2 }), makeAlert())).toBe(true);
    expect(isNewer(makeAlert({ revision: 1 }), makeAlert())).toBe(false);
  });

  it('keeps the highest revision of each id in a batch, whatever the order', () => {
    const latest = latestById([
      makeAlert({ id: 'a', revision: 3, status: 'acknowledged' }),
      makeAlert({ id: 'a', revision: 2 }),
      makeAlert({ id: 'b', revision: 2 }),
    ]);
    expect(latest.get('a')?.revision).toBe(3);
    expect(latest.get('b')?.revision).toBe(2);
  });

  describe('replaceAlerts', () => {
    const list = [makeAlert({ id: 'a', revision: 2 }), makeAlert({ id: 'b', revision: 5 })];

    it('replaces by id in place when the revision is higher', () => {
      const next = replaceAlerts(list, latestById([makeAlert({ id: 'b', revision: 6, status: 'resolved' })]));
      expect(next.map((a) => [a.id, a.revision, a.status])).toEqual([
        ['a', 2, 'open'],
        ['b', 6, 'resolved'],
      ]);
    });

    it('ignores an equal or older revision and alerts not in the list, answering the same array', () => {
      const updates = latestById([
        makeAlert({ id: 'a', revision: 2, status: 'resolved' }),
        makeAlert({ id: 'b', revision: 4 }),
        makeAlert({ id: 'c', revision: 9 }),
      ]);
      expect(replaceAlerts(list, updates)).toBe(list);
    });
  });
});
