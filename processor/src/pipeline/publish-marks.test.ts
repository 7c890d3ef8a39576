import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPublishMarks, type PublishMark } from './publish-marks.ts';

describe('publish marks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function harness() {
    const writes: { marks: readonly PublishMark[]; at: string }[] = [];
    const queued: string[] = [];
    const marks = createPublishMarks({
      markPublished: async (published, at) => {
        writes.push({ marks: published, at });
      },
      background: (what, op) => {
        queued.push(what);
        void op();
      },
      lingerMs: 100,
    });
    return { marks, writes, queued };
  }
  const mark = (id: string, revision: number, second: number): PublishMark => ({
    id,
    revision,
    publishedAt: `2030-01-01T00:00:0${second}.000Z`,
  });

  it('gathers the marks of one interval into one write, each with its own time', () => {
    const { marks, writes, queued } = harness();
    marks.mark([mark('a', 1, 1)]);
    marks.mark([mark('b', 1, 2), mark('a', 2, 2)]);
    vi.advanceTimersByTime(99);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(queued).toEqual(['store.markPublished']);
    expect(writes).toEqual([
      { marks: [mark('a', 1, 1), mark('b', 1, 2), mark('a', 2, 2)], at: '2030-01-01T00:00:02.000Z' },
    ]);
    marks.mark([mark('c', 1, 3)]); // a new interval
    vi.advanceTimersByTime(100);
    expect(writes.map((w) => w.marks.map((m) => m.id))).toEqual([['a', 'b', 'a'], ['c']]);
  });

  it('writes what is pending at once on flush, and nothing when nothing is', () => {
    const { marks, writes } = harness();
    marks.flush();
    marks.mark([]);
    vi.advanceTimersByTime(1_000);
    expect(writes).toEqual([]);
    marks.mark([mark('a', 1, 1)]);
    marks.flush();
    expect(writes.map((w) => w.marks.length)).toEqual([1]);
    vi.advanceTimersByTime(1_000); // the interval's timer was cleared: no second write
    expect(writes).toHaveLength(1);
  });
});
