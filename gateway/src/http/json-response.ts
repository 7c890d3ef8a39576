import type { HttpResponse } from './http-types.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A JSON response; API answers are never cached, since alerts change under every query. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
