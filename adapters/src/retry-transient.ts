import { type RetryPolicy, retry, TRANSIENT_FOREVER } from '@vigil/core';
import type { Logger } from 'pino';

/**
 * Core's `retry` with the service defaults: transient failures only (VigilError with `retriable`), the
 * TRANSIENT_FOREVER policy (100 ms doubling to 10 s, with jitter, no limit), each retry logged. An outage of
 * PostgreSQL, S3 or Kafka pauses the partition instead of skipping records; anything else (a bug, a poison
 * record that slipped through) rejects at once. Stops when `signal` aborts, rejecting with the last failure.
 */
export function retryTransient<T>(
  what: string,
  operation: () => Promise<T>,
  options: {
    logger: Logger;
    policy?: RetryPolicy;
    signal?: AbortSignal;
    /** Told of each transient failure before its retry (counters, health: what the caller waits on). */
    onRetry?: (error: unknown) => void;
  },
): Promise<T> {
  return retry(operation, {
    policy: options.policy ?? TRANSIENT_FOREVER,
    signal: options.signal,
    onRetry: (error, attempt, delayMs) => {
      options.onRetry?.(error);
      options.logger.warn({ err: error, attempt, delayMs, operation: what }, 'transient failure, retrying');
    },
  });
}
