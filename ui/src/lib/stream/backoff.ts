export interface BackoffOptions {
  /** Delay scale of the first retry. */
  baseMs: number;
  /** Ceiling: an outage of any length is retried at least this often. */
  maxMs: number;
  /** A number in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/** 500 ms first, 30 s at most: quick after a gateway restart, gentle during a long outage. */
export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 30_000 } as const;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential with "equal jitter" (half fixed,
 * half random), so a restarted gateway is not hit by every open tab in the same millisecond, yet
 * no retry comes sooner than half its step.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const half = step / 2;
  return Math.round(half + random() * half);
}
