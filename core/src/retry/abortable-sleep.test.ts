import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep } from './abortable-sleep.ts';

describe('abortableSleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = (promise: Promise<void>) => {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  };

  it('resolves once its time has passed, not before', async () => {
    const state = settled(abortableSleep(1_000));
    await vi.advanceTimersByTimeAsync(999);
    expect(state.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.done).toBe(true);
  });

  it('resolves at once when its signal aborts, leaving no timer behind', async () => {
    const abort = new AbortController();
    const state = settled(abortableSleep(60_000, abort.signal));
    abort.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not wait at all on a signal already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    const state = settled(abortableSleep(60_000, abort.signal));
    await vi.advanceTimersByTimeAsync(0);
    expect(state.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
