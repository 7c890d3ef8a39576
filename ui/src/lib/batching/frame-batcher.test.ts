import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from './frame-batcher.ts';

const fakeFrames = () => {
  const queue: (() => void)[] = [];
  return {
    schedule: (fn: () => void) => {
      queue.push(fn);
    },
    runFrame: () => {
      for (const fn of queue.splice(0)) fn();
    },
    get scheduled() {
      return queue.length;
    },
  };
};

describe('createFrameBatcher', () => {
  it('hands a burst over as one batch per frame, in order', () => {
    const frames = fakeFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>({ schedule: frames.schedule, flush: (b) => batches.push(b) });
    for (let i = 0; i < 1_000; i++) batcher.push(i);
    expect(frames.scheduled).toBe(1);
    expect(batches).toHaveLength(0);
    frames.runFrame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1_000);
    expect(batches[0]?.[999]).toBe(999);
  });

  it('schedules a new frame for items pushed after a flush', () => {
    const frames = fakeFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>({ schedule: frames.schedule, flush: (b) => batches.push(b) });
    batcher.push(1);
    frames.runFrame();
    batcher.push(2);
    batcher.push(3);
    frames.runFrame();
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('flushes on demand and skips empty frames', () => {
    const frames = fakeFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>({ schedule: frames.schedule, flush: (b) => batches.push(b) });
    batcher.push(1);
    batcher.flushNow();
    frames.runFrame();
    expect(batches).toEqual([[1]]);
  });
});
