import { parseRetryAfter } from '../auth/login-flow.ts';
import { ApiError, forbiddenText } from './api-error.ts';

export interface HttpOptions {
  fetch: typeof fetch;
  /** Prefix of every path; '' for the page's own origin (the gateway serves both). */
  base?: string;
  /** A call answered 401: the session is gone (expired, signed out elsewhere, revoked). */
  onUnauthorized?: () => void;
  now?: () => number;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  params?: URLSearchParams;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * False when a 401 is this call's own answer, not a lost session (a wrong password at sign-in):
   * onUnauthorized is not called.
   */
  sessionRequired?: boolean;
}

export type Http = (path: string, options?: RequestOptions) => Promise<unknown>;

const problemOf = async (response: Response): Promise<{ message: string; details: unknown }> => {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; details?: unknown };
    return { message: typeof body.error === 'string' ? body.error : text, details: body.details };
  } catch (err) {
    // Not JSON (a proxy's HTML error page): show the start of it, and why it was not parsed.
    return { message: text.slice(0, 200) || (err as Error).message, details: undefined };
  }
};

/**
 * The one function every REST call of the dashboard goes through: JSON in and out, errors as ApiError,
 * a 401 reported to onUnauthorized (which sends the browser to sign in), a 403 worded for people.
 */
export function createHttp({ fetch: doFetch, base = '', onUnauthorized, now = Date.now }: HttpOptions): Http {
  return async function request(path, options = {}) {
    const { method = 'GET', params, body, signal, sessionRequired = true } = options;
    const query = params && params.size > 0 ? `?${params}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}${query}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      const message = `gateway unreachable: ${(err as Error).message}`;
      throw new ApiError(0, message, { cause: err });
    }
    if (response.ok) {
      if (response.status === 204) return null;
      const text = await response.text();
      return text === '' ? null : JSON.parse(text);
    }
    const problem = await problemOf(response);
    if (response.status === 401 && sessionRequired) onUnauthorized?.();
    throw new ApiError(response.status, problem.message, {
      details: problem.details,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), now()),
      message: response.status === 403 ? forbiddenText(problem.details) : undefined,
    });
  };
}
