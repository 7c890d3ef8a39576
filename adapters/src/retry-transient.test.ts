import { UnavailableError, ValidationError } from '@vigil/core';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryTransient } from './retry-transient.ts';

const logger = pino({ level: 'silent' });

/** Fails with each of `failures` in turn, then resolves 'done'. */
const flaky = (...failures: Error[]) => {
  let calls = 0;
  const operation = async () => {
    calls += 1;
    const failure = failures.shift();
    if (failure) throw failure;
    return 'done';
  };
  return { operation, calls: () => calls };
};

describe('retryTransient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits out transient failures with TRANSIENT_FOREVER, telling onRetry and the log of each', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const retried: unknown[] = [];
    const { operation, calls } = flaky(...Array.from({ length: 20 }, () => new UnavailableError('down')));
    const result = retryTransient('database.open', operation, { logger, onRetry: (e) => retried.push(e) });
    // 20 waits of at most 10 s each: far past any attempt or deadline bound, as "forever" promises.
    await vi.advanceTimersByTimeAsync(20 * 10_000);
    await expect(result).resolves.toBe('done');
    expect(calls()).toBe(21);
    expect(retried).toHaveLength(20);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ attempt: 20, operation: 'database.open' }),
      'transient failure, retrying',
    );
  });

  it('rejects at once on a failure that is not transient', async () => {
    const bad = new ValidationError('bad record');
    const { operation, calls } = flaky(bad);
    await expect(retryTransient('store.insert', operation, { logger })).rejects.toBe(bad);
    expect(calls()).toBe(1);
  });

  it('stops waiting when its signal aborts, rejecting with the failure it waited on', async () => {
    const halt = new AbortController();
    const down = new UnavailableError('down');
    const { operation, calls } = flaky(down, new UnavailableError('still down'));
    const result = retryTransient('archive.put', operation, {
      logger,
      signal: halt.signal,
      onRetry: () => halt.abort(),
    });
    await expect(result).rejects.toBe(down);
    expect(calls()).toBe(1);
  });
});
