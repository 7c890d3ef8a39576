import { describe, expect, it } from 'vitest';
import { createCommitTracker } from './commit-tracker.ts';

describe('commit tracker', () => {
  describe('without hold-back', () => {
    it('commits the offset after the last handled message', () => {
      const tracker = createCommitTracker({ replayMs: 0 });
      expect(tracker.next('t', 0, null)).toBeNull();
      tracker.handled('t', 0, 9);
      expect(tracker.next('t', 0, null)).toBe(10);
    });

    it('never passes the oldest event still waiting for the archive', () => {
      const tracker = createCommitTracker({ replayMs: 0 });
      tracker.handled('t', 0, 9);
      expect(tracker.next('t', 0, 4)).toBe(4);
    });

    it('does not move backwards or repeat a commit', () => {
      const tracker = createCommitTracker({ replayMs: 0 });
      tracker.handled('t', 0, 9);
      tracker.committed('t', 0, 10);
      expect(tracker.next('t', 0, null)).toBeNull();
      tracker.handled('t', 0, 5);
      expect(tracker.next('t', 0, null)).toBeNull();
    });

    it('keeps partitions apart', () => {
      const tracker = createCommitTracker({ replayMs: 0 });
      tracker.handled('t', 0, 9);
      tracker.handled('t', 1, 99);
      expect(tracker.next('t', 1, null)).toBe(100);
      expect(tracker.partitions()).toEqual([
        ['t', 0],
        ['t', 1],
      ]);
    });
  });

  describe('with replay hold-back', () => {
    it('holds the commit at the last checkpoint before the replay horizon', () => {
      const tracker = createCommitTracker({ replayMs: 60_000, checkpointEveryMs: 1_000 });
      // One event per second for 3 minutes at offsets 0..179.
      for (let i = 0; i < 180; i++) tracker.observe('t', 0, i, i * 1_000);
      tracker.handled('t', 0, 179);
      // Horizon = 179 s − 60 s = 119 s: replay must start at or before offset 119.
      expect(tracker.next('t', 0, null)).toBe(119);
    });

    it('holds everything while less than the replay window has passed', () => {
      const tracker = createCommitTracker({ replayMs: 60_000 });
      for (let i = 0; i < 30; i++) tracker.observe('t', 0, i, i * 1_000);
      tracker.handled('t', 0, 29);
      expect(tracker.next('t', 0, null)).toBe(0);
    });

    it('still respects the archive when it is further behind', () => {
      const tracker = createCommitTracker({ replayMs: 1_000 });
      for (let i = 0; i < 100; i++) tracker.observe('t', 0, i, i * 1_000);
      tracker.handled('t', 0, 99);
      expect(tracker.next('t', 0, 50)).toBe(50);
    });

    it('says where to read again to rebuild the window, under a longer window after a reload too', () => {
      const tracker = createCommitTracker({ replayMs: 10_000 });
      expect(tracker.replayFrom('t', 0)).toBeNull();
      for (let i = 0; i < 100; i++) tracker.observe('t', 0, i * 2, i * 1_000);
      tracker.handled('t', 0, 198);
      expect(tracker.replayFrom('t', 0)).toBe(178); // the checkpoint at 89 s: 99 s − 10 s
      tracker.setReplayMs(200_000); // longer than what the partition holds: from its oldest checkpoint
      expect(tracker.replayFrom('t', 0)).toBe(0);
      expect(tracker.next('t', 0, null)).toBe(0); // commits hold back the longer window too
    });

    it('forgets a partition on resync', () => {
      const tracker = createCommitTracker({ replayMs: 1_000 });
      tracker.observe('t', 0, 0, 0);
      tracker.handled('t', 0, 0);
      tracker.forget('t', 0);
      expect(tracker.next('t', 0, null)).toBeNull();
    });
  });
});
