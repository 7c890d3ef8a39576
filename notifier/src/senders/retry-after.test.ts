import { describe, expect, it } from 'vitest';
import { resultOf } from './http-send.ts';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2031-05-01T12:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', NOW)).toBe(2_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });
  it('reads an HTTP date, never in the past', () => {
    expect(parseRetryAfter('Thu, 01 May 2031 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 May 2031 11:00:00 GMT', NOW)).toBe(0);
  });
  it('caps what it honours and ignores what it cannot read', () => {
    expect(parseRetryAfter('999999', NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('resultOf', () => {
  const answer = (status: number, headers: Record<string, string> = {}, text = '') => ({
    status,
    headers: new Headers(headers),
    text,
  });
  it('is ok for any 2xx', () => {
    for (const status of [200, 202, 204]) expect(resultOf(answer(status), NOW).ok).toBe(true);
  });
  it('retries 5xx, 429 and 408, with Retry-After when given', () => {
    expect(resultOf(answer(429, { 'retry-after': '2' }), NOW)).toMatchObject({
      ok: false,
      retriable: true,
      retryAfterMs: 2_000,
      statusCode: 429,
    });
    expect(resultOf(answer(503), NOW)).toMatchObject({ retriable: true, retryAfterMs: null });
    expect(resultOf(answer(408), NOW)).toMatchObject({ retriable: true });
  });
  it('fails other 4xx at once with the receiver message', () => {
    expect(resultOf(answer(400, {}, 'invalid_payload'), NOW)).toEqual({
      ok: false,
      retriable: false,
      statusCode: 400,
      retryAfterMs: null,
      error: 'HTTP 400: invalid_payload',
    });
  });
});
