import { TimeoutError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createHeadWaiters } from './head-waiters.ts';

describe('head waiters', () => {
  it('release a waiter once the head reaches its position', async () => {
    const waiters = createHeadWaiters();
    const waiting = waiters.wait(5, 2, new AbortController().signal, 60_000);
    waiters.advanced(4);
    expect(waiters.size).toBe(1);
    waiters.advanced(5);
    await waiting;
    expect(waiters.size).toBe(0);
  });

  it('reject with a TimeoutError when the head does not get there in time', async () => {
    const waiters = createHeadWaiters();
    const failure = await waiters.wait(5, 2, new AbortController().signal, 10).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(waiters.size).toBe(0);
  });
});
