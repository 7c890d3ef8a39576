import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { createHttp } from './http.ts';

interface Call {
  url: string;
  method: string;
  body: unknown;
  contentType: string | null;
}

const server = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const calls: Call[] = [];
  let unauthorized = 0;
  const fetch = (async (url: string, init: RequestInit) => {
    const h = new Headers(init.headers);
    calls.push({
      url,
      method: init.method ?? 'GET',
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      contentType: h.get('content-type'),
    });
    const text = body === null ? null : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers });
  }) as typeof globalThis.fetch;
  const http = createHttp({ fetch, onUnauthorized: () => unauthorized++, now: () => 0 });
  return { http, calls, unauthorizedCount: () => unauthorized };
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (err: unknown) => err as ApiError,
  );

describe('createHttp', () => {
  it('sends a JSON body with its content type and reads the JSON answer', async () => {
    const { http, calls } = server(200, { ok: 1 });
    expect(await http('/api/x', { method: 'PATCH', body: { status: 'resolved' } })).toEqual({ ok: 1 });
    expect(calls).toEqual([
      { url: '/api/x', method: 'PATCH', body: { status: 'resolved' }, contentType: 'application/json' },
    ]);
  });

  it('answers null for 204 No Content', async () => {
    const { http } = server(204, null);
    expect(await http('/api/tokens/t1', { method: 'DELETE' })).toBeNull();
  });

  describe('401', () => {
    it('reports a lost session, so the dashboard sends the user to sign in', async () => {
      const { http, unauthorizedCount } = server(401, { error: 'unauthorized' });
      const err = await failure(http('/api/alerts'));
      expect(err).toBeInstanceOf(ApiError);
      expect(err?.status).toBe(401);
      expect(unauthorizedCount()).toBe(1);
    });

    it('does not report it for a call whose 401 is its own answer (a wrong password)', async () => {
      const { http, unauthorizedCount } = server(401, { error: 'invalid username or password' });
      const err = await failure(
        http('/api/auth/login', { method: 'POST', body: {}, sessionRequired: false }),
      );
      expect(err?.serverMessage).toBe('invalid username or password');
      expect(unauthorizedCount()).toBe(0);
    });
  });

  it('words a 403 for people, with the role and the one needed', async () => {
    const { http, unauthorizedCount } = server(403, {
      error: 'forbidden: needs role operator',
      details: { required: 'operator', role: 'viewer' },
    });
    const err = await failure(http('/api/alerts/a1', { method: 'PATCH', body: { status: 'resolved' } }));
    expect(err?.status).toBe(403);
    expect(err?.message).toBe('Your role (viewer) cannot do this: it needs operator.');
    expect(unauthorizedCount()).toBe(0);
  });

  it('carries the Retry-After seconds of a 429', async () => {
    const { http } = server(429, { error: 'too many requests' }, { 'retry-after': '17' });
    const err = await failure(http('/api/auth/login', { method: 'POST', body: {}, sessionRequired: false }));
    expect(err?.status).toBe(429);
    expect(err?.retryAfterSeconds).toBe(17);
    expect(err?.retriable).toBe(true);
  });

  it('turns a network failure into status 0, retriable', async () => {
    const http = createHttp({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const err = await failure(http('/api/auth/me'));
    expect(err?.status).toBe(0);
    expect(err?.retriable).toBe(true);
    expect(err?.message).toContain('gateway unreachable');
  });
});
