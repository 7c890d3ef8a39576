import type { HttpRequest } from '../http-types.ts';
import { TEST_SECRETS, type TestIdentity } from './test-tokens.ts';

/**
 * A request as the transport would hand it over: `target` may carry a query string. It carries a Host the
 * gateway answers to and, unless `as` says otherwise, the test admin token (test-tokens.ts).
 */
export function request(
  method: string,
  target: string,
  options: {
    body?: string | Buffer | unknown;
    headers?: Record<string, string>;
    as?: TestIdentity | 'none';
  } = {},
): HttpRequest {
  // Split by hand: URL would normalise `..` away, and traversal tests need the raw path.
  const at = target.indexOf('?');
  const path = at === -1 ? target : target.slice(0, at);
  const query = new URLSearchParams(at === -1 ? '' : target.slice(at + 1));
  const raw = options.body;
  const body =
    raw === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(raw)
        ? raw
        : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
  return {
    method,
    path,
    query,
    headers: {
      host: '127.0.0.1:8080',
      ...(options.as === 'none' ? {} : { authorization: `Bearer ${TEST_SECRETS[options.as ?? 'admin']}` }),
      ...options.headers,
    },
    body,
    remoteAddress: '127.0.0.1',
  };
}

export const bodyJson = (response: { body: string | Uint8Array }): unknown =>
  JSON.parse(typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('utf8'));
