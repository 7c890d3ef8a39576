import { isRetriable } from '../errors/vigil-error.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { type Backoff, backoffDelay } from './backoff.ts';

/** A backoff and when to give up; with neither `attempts` nor `deadlineMs` the loop retries forever. */
export interface RetryPolicy extends Backoff {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Gives up rather than start a wait that would end more than this long after the first try began. */
  deadlineMs?: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Which failures are worth another try (default: core's `isRetriable`); any other rejects at once. */
  retryIf?: (error: unknown) => boolean;
  /** Told of each failure about to be retried, before its wait (logs, counters, health). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Aborting ends the loop: no new try starts, a wait ends at once. */
  signal?: AbortSignal;
  /** Injected by tests (a fake clock); default real timers, cut short by `signal`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/**
 * Runs `operation` (given its 1-based attempt number) until it resolves, waiting `backoffDelay` between tries.
 * Rejects with the last failure when it is not retriable, when the policy's attempts or deadline are used
 * up, or when `signal` aborts; with the signal's reason if it was aborted before the first try.
 * @example await retry(() => admin.listTopics(), { policy: ADMIN_READ, retryIf: isRetriableKafkaError })
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, signal, onRetry } = options;
  const retryIf = options.retryIf ?? isRetriable;
  const wait = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const attempts = policy.attempts ?? Number.POSITIVE_INFINITY;
  const deadlineMs = policy.deadlineMs ?? Number.POSITIVE_INFINITY;
  if (signal?.aborted) throw signal.reason;
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!retryIf(error) || attempt >= attempts || signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, policy, options.random);
      if (now() - started + delayMs > deadlineMs) throw error;
      onRetry?.(error, attempt, delayMs);
      await wait(delayMs, signal);
      if (signal?.aborted) throw error;
    }
  }
}
