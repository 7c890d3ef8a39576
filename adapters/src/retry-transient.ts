import { isRetriable } from '@vigil/core';
import pRetry from 'p-retry';
import type { Logger } from 'pino';

export interface RetryPolicy {
  /** First delay; doubles per attempt with jitter up to maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { minDelayMs: 100, maxDelayMs: 10_000 };

/**
 * Runs `operation` until it succeeds, retrying only transient failures (VigilError with `retriable`), with
 * exponential backoff and jitter, forever: an outage of PostgreSQL, S3 or Kafka pauses the partition instead
 * of skipping records. Anything else (a bug, a poison record that slipped through) rejects at once.
 * Stops when `signal` aborts.
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
  const policy = options.policy ?? DEFAULT_RETRY;
  return pRetry(operation, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: policy.minDelayMs,
    maxTimeout: policy.maxDelayMs,
    randomize: true,
    signal: options.signal,
    shouldRetry: ({ error }) => isRetriable(error),
    onFailedAttempt: ({ error, attemptNumber }) => {
      if (!isRetriable(error)) return;
      options.onRetry?.(error);
      options.logger.warn(
        { err: error, attempt: attemptNumber, operation: what },
        'transient failure, retrying',
      );
    },
  });
}
