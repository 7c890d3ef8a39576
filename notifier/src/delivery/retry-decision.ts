import { type Backoff, backoffDelay, NOTIFICATION_DELIVERY } from '@vigil/core';

/** A day: a receiver down longer than that gets an operator's attention (channel health), not more retries. */
export const DEFAULT_GIVE_UP_AFTER_MS = 86_400_000;

export type FailureDecision =
  | { outcome: 'retry'; nextAttemptAt: number }
  | { outcome: 'failed'; reason: string | null };

/**
 * What follows a failed attempt. Not retriable (a 4xx other than 408/429, a refused mail): failed at once.
 * Retriable: again after the receiver's `Retry-After` when it sent one, else after the exponential backoff
 * with jitter for this attempt number; failed when that would be more than `giveUpAfterMs` after the
 * notification was written.
 */
export function decideAfterFailure(input: {
  retriable: boolean;
  retryAfterMs: number | null;
  /** 1 for the first attempt. */
  attempt: number;
  createdAt: number;
  now: number;
  giveUpAfterMs?: number;
  backoff?: Backoff;
  random?: () => number;
}): FailureDecision {
  if (!input.retriable) return { outcome: 'failed', reason: null };
  const delay =
    input.retryAfterMs ?? backoffDelay(input.attempt, input.backoff ?? NOTIFICATION_DELIVERY, input.random);
  const nextAttemptAt = input.now + delay;
  const limit = input.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS;
  if (nextAttemptAt - input.createdAt > limit)
    return { outcome: 'failed', reason: `gave up after ${input.attempt} attempts` };
  return { outcome: 'retry', nextAttemptAt };
}
