import { parseRetryAfter } from './retry-after.ts';
import type { SendResult } from './sender.ts';

/** Most of a receiver's answer kept (error text, a message id): a page of HTML is not worth more. */
const MAX_ANSWER_CHARS = 2_000;

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one JSON request with Node's fetch (undici) and reads the answer; network errors and timeouts throw. */
export async function requestJson(
  url: string,
  body: unknown,
  options: {
    method?: 'POST' | 'PATCH';
    headers?: Record<string, string>;
    timeoutMs: number;
    rawBody?: string;
  },
): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Vigil-Notifier', ...options.headers },
    body: options.rawBody ?? JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = (await response.text()).slice(0, MAX_ANSWER_CHARS);
  return { status: response.status, headers: response.headers, text };
}

/** Whether a status is worth another try: 5xx, 429 Too Many Requests, 408 Request Timeout. */
export const isRetriableStatus = (status: number): boolean =>
  status >= 500 || status === 429 || status === 408;

/** The receiver's answer as a SendResult; `Retry-After` is read on 429 and 503 (and any retriable status). */
export function resultOf(answer: HttpAnswer, now: number, externalId: string | null = null): SendResult {
  if (answer.status >= 200 && answer.status < 300)
    return { ok: true, statusCode: answer.status, externalId, response: answer.text };
  const retriable = isRetriableStatus(answer.status);
  return {
    ok: false,
    retriable,
    statusCode: answer.status,
    retryAfterMs: retriable ? parseRetryAfter(answer.headers.get('retry-after'), now) : null,
    error: `HTTP ${answer.status}${answer.text ? `: ${answer.text.trim()}` : ''}`,
  };
}

/** A request that never got an answer (refused, reset, DNS, timeout): always retriable. */
export function networkFailure(err: unknown): SendResult {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail =
    error.name === 'TimeoutError'
      ? 'timed out'
      : [error.cause?.code, error.cause?.message ?? error.message].filter(Boolean).join(' ');
  return {
    ok: false,
    retriable: true,
    statusCode: null,
    retryAfterMs: null,
    error: `network: ${detail || String(err)}`,
  };
}

/** requestJson, mapped to a SendResult (network failures included), with an optional id read from the answer. */
export async function sendJson(
  url: string,
  body: unknown,
  options: Parameters<typeof requestJson>[2] & {
    now: () => number;
    idOf?: (answer: HttpAnswer) => string | null;
  },
): Promise<SendResult> {
  let answer: HttpAnswer;
  try {
    answer = await requestJson(url, body, options);
  } catch (err) {
    return networkFailure(err);
  }
  const ok = answer.status >= 200 && answer.status < 300;
  return resultOf(answer, options.now(), ok && options.idOf ? options.idOf(answer) : null);
}
