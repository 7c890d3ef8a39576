/** How the wait between tries grows: doubling from `initialMs` up to `maxMs`, part of it drawn at random. */
export interface Backoff {
  /** Wait before the first retry (before jitter). */
  initialMs: number;
  /** Ceiling of the doubling wait, so a long outage is retried at a steady pace. */
  maxMs: number;
  /** Share of each wait drawn at random, 0 to 1 (default DEFAULT_JITTER). */
  jitter?: number;
}

/** 20 %: enough that clients failing together do not retry in lockstep, little enough to keep waits predictable. */
export const DEFAULT_JITTER = 0.2;

/** Doublings past this change nothing (2^30 × 1 ms is 12 days) and keep `2 ** n` finite. */
const MAX_DOUBLINGS = 30;

/**
 * The wait before retry number `retry` (1 = the first retry): the step `initialMs · 2^(retry − 1)`, capped at
 * `maxMs`, of which the `jitter` share is random, so the wait lies between (1 − jitter) and 1 times the step.
 * @example backoffDelay(3, { initialMs: 100, maxMs: 5_000 }) // 320 to 400 ms
 */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const doublings = Math.min(MAX_DOUBLINGS, Math.max(0, retry - 1));
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** doublings);
  const jitter = backoff.jitter ?? DEFAULT_JITTER;
  return Math.round(step * (1 - jitter) + step * jitter * random());
}
