import { ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';

/**
 * Maps AWS SDK failures onto core's taxonomy without importing the SDK (duck-typed on `name`, `code` and
 * `$metadata.httpStatusCode`), so it is unit-tested without a server. Messages name the operation, bucket and
 * endpoint, never credentials.
 */

/** Socket-level failures: the request may not have reached S3, so a retry can help. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const NETWORK_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);
/** S3 asks to slow down or is briefly unable to serve (some compatible servers answer these with a 4xx). */
const THROTTLING_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalError',
]);

export interface S3ErrorContext {
  operation: string;
  bucket: string;
  /** The configured endpoint, or a description of AWS's, for messages. */
  endpoint: string;
  key?: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  errors?: unknown[];
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const shape = (err: unknown): SdkErrorShape =>
  (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
const statusOf = (err: unknown): number | undefined => shape(err).$metadata?.httpStatusCode;

/** GetObject's "no such key" (also a bare 404 `NotFound`, which some compatible servers send). */
export function isS3NotFound(err: unknown): boolean {
  const { name } = shape(err);
  return name === 'NoSuchKey' || (name === 'NotFound' && statusOf(err) === 404);
}

function isNetworkError(err: unknown): boolean {
  const { name, code, errors } = shape(err);
  if (NETWORK_NAMES.has(name ?? '') || NETWORK_CODES.has(code ?? '')) return true;
  // Node's happy-eyeballs connect reports one AggregateError for every address it tried.
  return Array.isArray(errors) && errors.some((inner) => NETWORK_CODES.has(shape(inner).code ?? ''));
}

/**
 * The SDK's error carries the raw `$response` (socket, request headers with the signed Authorization header):
 * logging it would leak the access key id and flood the log, so the cause keeps only the useful fields.
 */
function cleanCause(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { code, $metadata, errors } = shape(err);
  const cause = new Error(err.message);
  cause.name = err.name;
  cause.stack = err.stack;
  return Object.assign(
    cause,
    { code, $metadata },
    Array.isArray(errors) && { errors: errors.map(cleanCause) },
  );
}

/** The error to throw for a failed S3 call; an error that is not an S3 or network failure is returned as is. */
export function toS3ArchiveError(err: unknown, context: S3ErrorContext): unknown {
  const { name = 'Error', code, $retryable, $metadata } = shape(err);
  const status = statusOf(err);
  const target = `${context.operation}${context.key ? ` ${context.key}` : ''} on bucket "${context.bucket}" at ${context.endpoint}`;
  const details = {
    operation: context.operation,
    bucket: context.bucket,
    status,
    s3Code: name,
    requestId: $metadata?.requestId,
  };

  if (name === 'NoSuchBucket' || (context.operation === 'HeadBucket' && status === 404))
    return new UnavailableError(`S3 bucket "${context.bucket}" not found at ${context.endpoint}`, {
      cause: cleanCause(err),
      details,
    });
  if (status === undefined) {
    if (!isNetworkError(err)) return err;
    return new UnavailableError(`S3 unreachable (${code ?? name}): ${target}`, {
      cause: cleanCause(err),
      details,
    });
  }
  if (status >= 500 || status === 429 || THROTTLING_NAMES.has(name) || $retryable)
    return new UnavailableError(`S3 unavailable (${status} ${name}): ${target}`, {
      cause: cleanCause(err),
      details,
    });
  // Any other 4xx fails the same way on every retry: wrong credentials, policy, region or request.
  const errorCode = status === 401 || status === 403 ? ERROR_CODES.config : ERROR_CODES.internal;
  return new VigilError(errorCode, `S3 refused (${status} ${name}): ${target}`, {
    cause: cleanCause(err),
    details,
  });
}
