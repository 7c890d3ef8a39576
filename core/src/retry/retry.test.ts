import { describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../errors/vigil-error.ts';
import { ADMIN_READ, TRANSIENT_FOREVER } from './policies.ts';
import { type RetryOptions, type RetryPolicy, retry } from './retry.ts';

/** A clock that moves only when the loop waits, so no test sleeps. */
function fakeClock() {
  const clock = {
    t: 0,
    waits: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

/** An operation that fails with each of `failures` in turn, then resolves with its attempt number. */
function flaky(...failures: unknown[]) {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    if (failures.length > 0) throw failures.shift();
    return attempt;
  };
  return { operation, calls };
}

const down = () => new UnavailableError('database down');
const exact: RetryPolicy = { initialMs: 100, maxMs: 1_000, jitter: 0 };

function run<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  extra: Partial<RetryOptions> = {},
) {
  const clock = fakeClock();
  const result = retry(operation, { policy, now: clock.now, sleep: clock.sleep, ...extra });
  return { result, clock };
}

describe('retry', () => {
  it('resolves with the first success, without waiting', async () => {
    const { operation, calls } = flaky();
    const { result, clock } = run(operation, exact);
    await expect(result).resolves.toBe(1);
    expect(calls).toEqual([1]);
    expect(clock.waits).toEqual([]);
  });

  it('retries retriable failures with doubling, capped waits', async () => {
    const { operation } = flaky(...Array.from({ length: 6 }, down));
    const { result, clock } = run(operation, exact);
    await expect(result).resolves.toBe(7);
    expect(clock.waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('rejects at once on a failure the predicate refuses (default: isRetriable)', async () => {
    const bug = new TypeError('x is not a function');
    for (const error of [bug, new ValidationError('bad input')]) {
      const { operation, calls } = flaky(error);
      const { result, clock } = run(operation, exact);
      await expect(result).rejects.toBe(error);
      expect(calls).toEqual([1]);
      expect(clock.waits).toEqual([]);
    }
  });

  it('retries what a custom predicate accepts, even a plain Error', async () => {
    const { operation } = flaky(new Error('LEADER_NOT_AVAILABLE'));
    const { result } = run(operation, exact, { retryIf: (e) => (e as Error).message.startsWith('LEADER') });
    await expect(result).resolves.toBe(2);
  });

  it('gives up after `attempts` tries in all, with the last failure', async () => {
    const failures = Array.from({ length: 10 }, down);
    const { operation, calls } = flaky(...failures);
    const { result, clock } = run(operation, { ...exact, attempts: 5 });
    await expect(result).rejects.toBe(failures[4]);
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(clock.waits).toHaveLength(4);
  });

  it('gives Kafka admin reads (ADMIN_READ) several seconds before reporting an outage', async () => {
    const { operation, calls } = flaky(...Array.from({ length: 20 }, down));
    const { result, clock } = run(operation, ADMIN_READ, { random: () => 0 });
    await expect(result).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toHaveLength(ADMIN_READ.attempts);
    // The least it can wait (every jitter draw at its low end): still past a busy broker's NOT_LEADER seconds.
    expect(clock.t).toBeGreaterThan(5_000);
  });

  it('gives up rather than start a wait that would end past the deadline', async () => {
    const failures = Array.from({ length: 100 }, down);
    const { operation, calls } = flaky(...failures);
    const { result, clock } = run(operation, { ...exact, deadlineMs: 1_000 });
    const error = await result.catch((e: unknown) => e);
    // 100 + 200 + 400 = 700 ms waited; the next 800 ms would end at 1.5 s.
    expect(clock.waits).toEqual([100, 200, 400]);
    expect(calls).toHaveLength(4);
    expect(error).toBe(failures[3]);
  });

  it('counts time spent in the operation against the deadline', async () => {
    const clock = fakeClock();
    const failures = Array.from({ length: 100 }, down);
    const slow = async () => {
      clock.t += 600; // each try takes 600 ms
      throw failures.shift();
    };
    await expect(
      retry(slow, { policy: { ...exact, deadlineMs: 1_000 }, now: clock.now, sleep: clock.sleep }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(clock.waits).toEqual([100]); // 600 + 100, then 1300 + 200 > 1000
  });

  it('retries forever when the policy has no bound', async () => {
    const { operation } = flaky(...Array.from({ length: 500 }, down));
    const { result, clock } = run(operation, TRANSIENT_FOREVER);
    await expect(result).resolves.toBe(501);
    expect(Math.max(...clock.waits)).toBeLessThanOrEqual(TRANSIENT_FOREVER.maxMs);
  });

  it('tells onRetry of each retried failure with its attempt and wait, not of the last', async () => {
    const failures = [down(), down(), new ValidationError('bad')];
    const { operation } = flaky(...failures);
    const seen: [unknown, number, number][] = [];
    const { result } = run(operation, exact, { onRetry: (...args) => seen.push(args) });
    await expect(result).rejects.toBe(failures[2]);
    expect(seen).toEqual([
      [failures[0], 1, 100],
      [failures[1], 2, 200],
    ]);
  });

  describe('abort', () => {
    it('ends a wait at once and rejects with the failure that was waiting', async () => {
      const abort = new AbortController();
      const error = down();
      const { operation, calls } = flaky(error, down());
      const result = retry(operation, {
        policy: { initialMs: 3_600_000, maxMs: 3_600_000 },
        signal: abort.signal,
        onRetry: () => abort.abort(), // the real sleep would wait an hour
      });
      await expect(result).rejects.toBe(error);
      expect(calls).toEqual([1]);
    });

    it('starts no try when aborted before the first, rejecting with the reason', async () => {
      const abort = new AbortController();
      abort.abort(new Error('stopping'));
      const { operation, calls } = flaky();
      await expect(run(operation, exact, { signal: abort.signal }).result).rejects.toThrow('stopping');
      expect(calls).toEqual([]);
    });

    it('does not retry a failure that arrives after the abort', async () => {
      const abort = new AbortController();
      const error = down();
      const operation = async () => {
        abort.abort();
        throw error;
      };
      const { result, clock } = run(operation, exact, { signal: abort.signal });
      await expect(result).rejects.toBe(error);
      expect(clock.waits).toEqual([]);
    });
  });
});
