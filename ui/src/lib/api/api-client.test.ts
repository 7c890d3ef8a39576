import { ERROR_CODES, VigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createApiClient } from './api-client.ts';

const respond = (status: number, body: unknown) => {
  const calls: string[] = [];
  const fetch = (async (url: string) => {
    calls.push(url);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof globalThis.fetch;
  return { api: createApiClient({ fetch }), calls };
};

describe('createApiClient', () => {
  it('passes the filter parameters to GET /api/alerts', async () => {
    const { api, calls } = respond(200, { items: [], nextCursor: null });
    await api.listAlerts(new URLSearchParams({ severity: 'high,critical', limit: '50' }));
    expect(calls).toEqual(['/api/alerts?severity=high%2Ccritical&limit=50']);
  });

  it('answers null for an unknown alert', async () => {
    const { api, calls } = respond(404, { error: 'not found' });
    expect(await api.getAlert('a/b')).toBeNull();
    expect(calls).toEqual(['/api/alerts/a%2Fb']);
  });

  it('reads the events behind an alert, and null for an unknown alert', async () => {
    const body = {
      items: [],
      pending: [{ topic: 't', partition: 0, offset: '1' }],
      unreadable: [],
      truncated: false,
    };
    const { api, calls } = respond(200, body);
    expect(await api.alertEvents('a/b')).toEqual(body);
    expect(calls).toEqual(['/api/alerts/a%2Fb/events']);
    expect(await respond(404, { error: 'alert not found' }).api.alertEvents('x')).toBeNull();
  });

  it('turns a 400 into a validation error carrying the gateway message', async () => {
    const { api } = respond(400, { error: 'limit must be an integer' });
    const err = await api.listAlerts(new URLSearchParams()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe(ERROR_CODES.validation);
    expect((err as VigilError).message).toContain('limit must be an integer');
  });

  it('turns a 5xx or a network failure into a retriable error', async () => {
    const { api } = respond(502, '<html>Bad gateway</html>');
    const err = (await api.rules().catch((e: unknown) => e)) as VigilError;
    expect(err.retriable).toBe(true);
    const offline = createApiClient({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const down = (await offline.services().catch((e: unknown) => e)) as VigilError;
    expect(down.code).toBe(ERROR_CODES.unavailable);
  });

  it('asks the timeline for one-minute buckets over a range', async () => {
    const { api, calls } = respond(200, []);
    await api.timeline('2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z');
    expect(calls[0]).toBe(
      '/api/stats/timeline?from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T01%3A00%3A00.000Z&bucket=1m',
    );
  });
});

describe('createApiClient: auth and admin calls', () => {
  const recorder = (status: number, body: unknown) => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    let unauthorized = 0;
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      return new Response(status === 204 ? null : JSON.stringify(body), { status });
    }) as typeof globalThis.fetch;
    return {
      api: createApiClient({ fetch, onUnauthorized: () => unauthorized++ }),
      calls,
      unauthorized: () => unauthorized,
    };
  };

  it('PATCHes an alert status', async () => {
    const { api, calls } = recorder(200, { id: 'a1', status: 'resolved' });
    await api.updateStatus('a1', 'resolved');
    expect(calls).toEqual([{ url: '/api/alerts/a1', method: 'PATCH', body: { status: 'resolved' } }]);
  });

  it('sends the user to sign in when any call answers 401, but not for a wrong password', async () => {
    const { api, unauthorized } = recorder(401, { error: 'unauthorized' });
    await api.rules().catch(() => undefined);
    await api.auth.me().catch(() => undefined);
    expect(unauthorized()).toBe(2);
    await api.auth.login('ada', 'wrong').catch(() => undefined);
    expect(unauthorized()).toBe(2);
  });

  it('creates a token with only the fields given, and revokes one by id', async () => {
    const { api, calls } = recorder(201, { id: 't1', name: 'ci', role: 'ingest', secret: 'vgl_x' });
    const created = await api.admin.createToken({ name: 'ci', role: 'ingest', sources: ['logs'] });
    expect(created.secret).toBe('vgl_x');
    expect(calls[0]).toEqual({
      url: '/api/tokens',
      method: 'POST',
      body: { name: 'ci', role: 'ingest', sources: ['logs'] },
    });
  });

  it('leaves empty audit filters out of the query', async () => {
    const { api, calls } = recorder(200, { items: [], nextCursor: null });
    await api.admin.audit({ action: 'auth.login', actor: '', outcome: 'failure', cursor: 'c1' });
    expect(calls[0]?.url).toBe('/api/audit?action=auth.login&outcome=failure&cursor=c1');
  });

  it('deletes a user and changes a role', async () => {
    const { api, calls } = recorder(204, null);
    await api.admin.deleteUser('u/1');
    expect(calls[0]).toEqual({ url: '/api/users/u%2F1', method: 'DELETE', body: undefined });
  });
});

describe('createApiClient: lifecycle calls', () => {
  /** A fake gateway: `answer` gives each call its status and body. */
  const gateway = (answer: (method: string, url: string, body: unknown) => [number, unknown]) => {
    const calls: { method: string; url: string; body: unknown }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method: init.method ?? 'GET', url, body });
      const [status, reply] = answer(init.method ?? 'GET', url, body);
      return new Response(JSON.stringify(reply), { status });
    }) as typeof globalThis.fetch;
    return { api: createApiClient({ fetch }), calls };
  };

  it('sends a status change with its note, and without one when empty', async () => {
    const { api, calls } = gateway(() => [200, { id: 'a1' }]);
    await api.updateStatus('a1', 'acknowledged', 'looking');
    await api.updateStatus('a1', 'resolved', '');
    expect(calls.map((c) => c.body)).toEqual([
      { status: 'acknowledged', note: 'looking' },
      { status: 'resolved' },
    ]);
  });

  it('changes many alerts in one POST /api/alerts/bulk', async () => {
    const { api, calls } = gateway(() => [200, { items: [{ id: 'a', ok: true, outcome: 'changed' }] }]);
    const result = await api.bulkStatus(['a'], 'resolved', 'done');
    expect(calls).toEqual([
      { method: 'POST', url: '/api/alerts/bulk', body: { ids: ['a'], status: 'resolved', note: 'done' } },
    ]);
    expect(result.items).toEqual([{ id: 'a', ok: true, outcome: 'changed' }]);
  });

  it('reads the activity trail by cursor, and null for an unknown alert', async () => {
    const { api, calls } = gateway((_, url) =>
      url.includes('missing') ? [404, { error: 'no such alert' }] : [200, { items: [], nextCursor: null }],
    );
    expect(await api.activity('a1', 'c2')).toEqual({ items: [], nextCursor: null });
    expect(calls[0]?.url).toBe('/api/alerts/a1/activity?cursor=c2');
    expect(await api.activity('missing')).toBeNull();
  });

  it('posts a comment', async () => {
    const { api, calls } = gateway(() => [201, { at: 'x' }]);
    await api.comment('a1', 'paged the owner');
    expect(calls).toEqual([
      { method: 'POST', url: '/api/alerts/a1/comments', body: { note: 'paged the owner' } },
    ]);
  });
});
