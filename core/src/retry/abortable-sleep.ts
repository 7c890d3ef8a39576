/**
 * Resolves after `ms`, or at once when `signal` aborts; never rejects. A stopping caller must not sit out a
 * backoff, and checks `signal.aborted` afterwards to tell the two apart.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
