export interface WaitForOptions {
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
  /** Pause between polls; default 50 ms. */
  intervalMs?: number;
  /** Says what was awaited, in the timeout error. */
  message?: string;
}

/**
 * Polls `predicate` until it returns a truthy value and resolves with it. A throwing predicate
 * counts as "not yet"; its last error becomes the timeout error's cause.
 *
 * @example const msg = await waitFor(() => received.find((m) => m.id === id), { message: 'alert' });
 */
export const waitFor = async <T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, message = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error; // "not yet"; kept as the cause if we time out
    }
    if (Date.now() >= deadline) {
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${message}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
