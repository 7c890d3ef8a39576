import { ERROR_CODES, type ErrorCode, VigilError } from '@vigil/core';

/**
 * A REST call the gateway answered with an error status, or could not be made (`status` 0). Carries
 * what the pages act on: the status, the gateway's message and details, and a 429's Retry-After.
 */
export class ApiError extends VigilError {
  readonly status: number;
  /** The gateway's `error` text, without the status prefix the message has. */
  readonly serverMessage: string;
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    serverMessage: string,
    options: { details?: unknown; retryAfterSeconds?: number | null; cause?: unknown; message?: string } = {},
  ) {
    super(codeOf(status), options.message ?? (status === 0 ? serverMessage : `${status} ${serverMessage}`), {
      // A network failure, a 5xx or a rate limit may pass later; the rest is the request's fault.
      retriable: status === 0 || status === 429 || status >= 500,
      details: options.details,
      cause: options.cause,
    });
    this.name = 'ApiError';
    this.status = status;
    this.serverMessage = serverMessage;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

function codeOf(status: number): ErrorCode {
  if (status === 404) return ERROR_CODES.notFound;
  if (status === 409) return ERROR_CODES.conflict;
  if (status >= 400 && status < 500) return ERROR_CODES.validation;
  return ERROR_CODES.unavailable;
}

export const isApiError = (err: unknown, status?: number): err is ApiError =>
  err instanceof ApiError && (status === undefined || err.status === status);

/** What a 403 tells the user: the role they have and the one the action needs (from the gateway's details). */
export function forbiddenText(details: unknown): string {
  const d = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
  const role = typeof d.role === 'string' ? d.role : null;
  const required = typeof d.required === 'string' ? d.required : null;
  if (role && required) return `Your role (${role}) cannot do this: it needs ${required}.`;
  return 'Your role cannot do this.';
}

const problemLine = (item: unknown): string | null => {
  if (typeof item === 'string') return item;
  if (typeof item !== 'object' || item === null) return null;
  const { field, path, reason, message } = item as Record<string, unknown>;
  const text = typeof reason === 'string' ? reason : typeof message === 'string' ? message : null;
  const where = typeof field === 'string' ? field : typeof path === 'string' ? path : '';
  if (text === null) return null;
  return where !== '' && where !== '/' ? `${where}: ${text}` : text;
};

/**
 * The lines a form shows for a failed call: a 400's listed problems (the gateway's
 * `details.problems: [{field, reason}]`, or a bare list) when there are any; for another 4xx the gateway's
 * own words (a 403 worded for people); otherwise the error's message.
 */
export function problemsOf(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [(err as Error).message];
  const details = err.details as { problems?: unknown } | unknown[] | undefined;
  const list = Array.isArray(details) ? details : Array.isArray(details?.problems) ? details.problems : [];
  const lines = list.map(problemLine).filter((line): line is string => line !== null);
  if (lines.length > 0) return lines;
  if (err.status >= 400 && err.status < 500 && err.status !== 403) return [err.serverMessage];
  return [err.message];
}
