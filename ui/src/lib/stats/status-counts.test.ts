import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { createStatusCounts } from './status-counts.ts';

const byStatus = { open: 5, acknowledged: 2, resolved: 10 };

describe('status counters', () => {
  const seeded = (unresolvedComplete = true) => {
    const counts = createStatusCounts();
    counts.seed({
      byStatus,
      known: [
        makeAlert({ id: 'o1', revision: 3 }),
        makeAlert({ id: 'k1', status: 'acknowledged', revision: 4 }),
      ],
      unresolvedComplete,
    });
    return counts;
  };

  it('starts from the all-time summary', () => {
    expect(seeded().snapshot()).toEqual(byStatus);
  });

  it('counts a new episode once in its status, not one listed at load', () => {
    const counts = seeded();
    counts.add(makeAlert({ id: 'n1', revision: 1 }));
    counts.add(makeAlert({ id: 'n1', revision: 1 }));
    counts.add(makeAlert({ id: 'o1', revision: 3 }));
    expect(counts.snapshot()).toEqual({ ...byStatus, open: 6 });
  });

  it('moves an episode from the status it had to the new one, once per revision', () => {
    const counts = seeded();
    const acked = makeAlert({ id: 'o1', revision: 4, status: 'acknowledged' });
    expect(counts.update(acked)).toBe(true);
    // The same change answered by PATCH and then pushed: counted once.
    expect(counts.update(acked)).toBe(false);
    expect(counts.snapshot()).toEqual({ open: 4, acknowledged: 3, resolved: 10 });
    counts.update(makeAlert({ id: 'o1', revision: 5, status: 'resolved' }));
    expect(counts.snapshot()).toEqual({ open: 4, acknowledged: 2, resolved: 11 });
  });

  it('ignores an older revision arriving late and a firing that keeps the status', () => {
    const counts = seeded();
    expect(counts.update(makeAlert({ id: 'k1', revision: 3, status: 'resolved' }))).toBe(false);
    expect(counts.update(makeAlert({ id: 'k1', revision: 5, status: 'acknowledged', occurrences: 9 }))).toBe(
      false,
    );
    expect(counts.snapshot()).toEqual(byStatus);
  });

  it('follows a new episode through its changes', () => {
    const counts = seeded();
    counts.add(makeAlert({ id: 'n1', revision: 1 }));
    counts.update(makeAlert({ id: 'n1', revision: 2, status: 'acknowledged' }));
    expect(counts.snapshot()).toEqual({ open: 5, acknowledged: 3, resolved: 10 });
  });

  it('takes an episode never seen, with every unresolved one listed, for a resolved one (a reopen)', () => {
    const counts = seeded();
    counts.update(makeAlert({ id: 'old', revision: 7, status: 'open' }));
    expect(counts.snapshot()).toEqual({ open: 6, acknowledged: 2, resolved: 9 });
    expect(counts.exact).toBe(true);
  });

  it('leaves an unseen episode unchanged, and says so, when the listing was cut short', () => {
    const counts = seeded(false);
    expect(counts.update(makeAlert({ id: 'old', revision: 7, status: 'acknowledged' }))).toBe(false);
    expect(counts.snapshot()).toEqual(byStatus);
    expect(counts.exact).toBe(false);
  });

  it('counts the listed unresolved episodes when the gateway gives no byStatus', () => {
    const counts = createStatusCounts();
    counts.seed({
      byStatus: null,
      known: [makeAlert({ id: 'a' }), makeAlert({ id: 'b' })],
      unresolvedComplete: true,
    });
    expect(counts.snapshot()).toEqual({ open: 2, acknowledged: 0, resolved: null });
    counts.update(makeAlert({ id: 'a', revision: 2, status: 'resolved' }));
    expect(counts.snapshot()).toEqual({ open: 1, acknowledged: 0, resolved: null });
  });

  it('forgets the oldest beyond its capacity, and then no longer takes the unseen for resolved', () => {
    const counts = createStatusCounts({ capacity: 2 });
    counts.seed({ byStatus, known: [makeAlert({ id: 'a' })], unresolvedComplete: true });
    counts.add(makeAlert({ id: 'b' }));
    counts.add(makeAlert({ id: 'c' }));
    // 'a' (open) was forgotten: its acknowledgement cannot be placed.
    counts.update(makeAlert({ id: 'a', revision: 2, status: 'acknowledged' }));
    expect(counts.snapshot()).toEqual({ open: 7, acknowledged: 2, resolved: 10 });
    expect(counts.exact).toBe(false);
  });
});
