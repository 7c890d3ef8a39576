import { TimeoutError } from '@vigil/core';

/**
 * Replays waiting for the feed's head to reach a position (a cursor from a gateway ahead of this one).
 * The fan-out calls `advanced(head)` after every delivery.
 */
export interface HeadWaiters {
  /** Resolves once `head ≥ next` (or on abort); rejects after `timeoutMs`. */
  wait(next: number, head: number, signal: AbortSignal, timeoutMs: number): Promise<void>;
  advanced(head: number): void;
  /** Releases every waiter (stop). */
  releaseAll(): void;
  readonly size: number;
}

export function createHeadWaiters(): HeadWaiters {
  const waiters = new Set<{ next: number; release: () => void }>();
  return {
    wait: (next, head, signal, timeoutMs) =>
      new Promise((resolve, reject) => {
        if (head >= next || signal.aborted) return resolve();
        const waiter = {
          next,
          release: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            signal.removeEventListener('abort', waiter.release);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          signal.removeEventListener('abort', waiter.release);
          reject(new TimeoutError('this gateway has not reached that cursor yet; retry'));
        }, timeoutMs);
        signal.addEventListener('abort', waiter.release, { once: true });
        waiters.add(waiter);
      }),
    advanced(head) {
      for (const waiter of [...waiters]) if (waiter.next <= head) waiter.release();
    },
    releaseAll() {
      for (const waiter of [...waiters]) waiter.release();
    },
    get size() {
      return waiters.size;
    },
  };
}
