/**
 * Stable error codes across Vigil. Every code is listed in the README's "Error codes" table;
 * add a code there when you add one here.
 */
export const ERROR_CODES = {
  config: 'config_invalid',
  validation: 'validation_failed',
  notFound: 'not_found',
  unavailable: 'dependency_unavailable',
  timeout: 'timeout',
  conflict: 'conflict',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface VigilErrorOptions {
  /** True when the same operation may succeed if retried later (an outage, a timeout). */
  retriable?: boolean;
  cause?: unknown;
  details?: unknown;
}

/** Base error: a stable `code`, whether a retry can help, and the underlying cause. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: VigilErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }
}

/** A dependency (Kafka, PostgreSQL, S3) did not answer or refused: retry with backoff. */
export class UnavailableError extends VigilError {
  constructor(message: string, options: Omit<VigilErrorOptions, 'retriable'> = {}) {
    super(ERROR_CODES.unavailable, message, { ...options, retriable: true });
    this.name = 'UnavailableError';
  }
}

/** Input broke a contract: never retried, answered with a 4xx or dead-lettered. */
export class ValidationError extends VigilError {
  constructor(message: string, options: Omit<VigilErrorOptions, 'retriable'> = {}) {
    super(ERROR_CODES.validation, message, { ...options, retriable: false });
    this.name = 'ValidationError';
  }
}

/** An operation took longer than its limit (a probe, a read that went idle): the next try may be faster. */
export class TimeoutError extends VigilError {
  constructor(message: string, options: Omit<VigilErrorOptions, 'retriable'> = {}) {
    super(ERROR_CODES.timeout, message, { ...options, retriable: true });
    this.name = 'TimeoutError';
  }
}

export const isRetriable = (err: unknown): boolean => err instanceof VigilError && err.retriable;
