/** How long a consumer waits before redelivering a batch whose handler threw. */
export interface RetryBackoff {
  /** Delay before the first redelivery. */
  initialMs: number;
  /** Ceiling for the doubling delay, so a long outage is retried at a steady pace. */
  maxMs: number;
}

/** 100 ms then doubling to 5 s: quick for a blip, gentle on a dependency that is down. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { initialMs: 100, maxMs: 5_000 };

/** Delay before redelivery number `attempt` (1-based), with ±20 % jitter so consumers do not retry in lockstep. */
export function backoffDelay(
  attempt: number,
  backoff: RetryBackoff,
  random: () => number = Math.random,
): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or at once when `signal` aborts (a stopping consumer must not sit out a backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
