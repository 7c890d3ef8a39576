import { ERROR_CODES, VigilError } from '@vigil/core';
import type { Logger } from 'pino';
import type { HttpResponse } from './http-types.ts';
import { json } from './json-response.ts';

/**
 * An expected HTTP outcome answered with its own status (unknown route, wrong method, too many items). Its
 * code is the nearest core one: `not_found` for a 404, `validation_failed` for any other refused request.
 */
export class HttpError extends VigilError {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(status === 404 ? ERROR_CODES.notFound : ERROR_CODES.validation, message, {
      details: options.details,
      cause: options.cause,
    });
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

export interface ErrorContext {
  method: string;
  path: string;
  /** Logged with every error, so a user's report (the X-Request-Id they got) finds the log line. */
  requestId?: string;
  retryAfterSeconds: number;
}

const body = (error: string, details: unknown) => (details === undefined ? { error } : { error, details });

/**
 * The one place errors become responses: expected ones (bad input, not found, an outage) get their 4xx
 * or 503 with a message; anything else is a bug, logged with its stack and answered with a bare 500.
 */
export function errorResponse(err: unknown, logger: Logger, context: ErrorContext): HttpResponse {
  const { method, path, requestId } = context;
  // Before the code switch: an HttpError's status is more precise than its code.
  if (err instanceof HttpError) return json(err.status, body(err.message, err.details), err.headers);
  if (err instanceof VigilError) {
    switch (err.code) {
      case ERROR_CODES.validation:
        return json(400, body(err.message, err.details));
      case ERROR_CODES.notFound:
        return json(404, body(err.message, err.details));
      case ERROR_CODES.conflict:
        return json(409, body(err.message, err.details));
      case ERROR_CODES.unavailable:
      case ERROR_CODES.timeout:
        // An outage is not a bug: a warning without the stack, and a hint when to come back.
        logger.warn(
          { err: { message: err.message, code: err.code }, method, path, requestId },
          'dependency unavailable',
        );
        // The reason stays in the log: it names internal hosts a client has no business knowing.
        return json(
          503,
          {
            error: 'service unavailable, retry later',
            details: { retryAfterSeconds: context.retryAfterSeconds },
          },
          { 'retry-after': String(context.retryAfterSeconds) },
        );
    }
  }
  logger.error({ err, method, path, requestId }, 'request failed');
  return json(500, { error: 'internal error' });
}
