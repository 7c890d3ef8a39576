import { Writable } from 'node:stream';
import { UnavailableError, ValidationError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { failingStore, useTestDatabase } from './testing/test-alert-store.ts';

/** A logger whose JSON lines are kept, to check what a failure logs. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Headers that must match between two requests: not the request id nor the rate limit's remaining count. */
const comparable = (headers: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => name !== 'x-request-id' && !name.startsWith('ratelimit-')),
  );

useTestDatabase();

describe('createHttpRouter', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const { router } = makeRouter();
    for (const path of ['/api/nothing', '/api/alerts/a/b', '/api/', '/']) {
      const response = await router(request('GET', path));
      expect(response.status).toBe(404);
      expect(bodyJson(response)).toEqual({ error: 'not found', details: { path } });
    }
  });

  it('answers a wrong method with 405 and an Allow header listing the right ones', async () => {
    const { router } = makeRouter();
    const response = await router(request('DELETE', '/api/alerts/a1'));
    expect(response.status).toBe(405);
    expect(response.headers?.allow).toBe('GET, HEAD, PATCH');
    expect(bodyJson(response)).toMatchObject({
      details: { method: 'DELETE', allowed: ['GET', 'HEAD', 'PATCH'] },
    });
  });

  it('answers HEAD on every GET route like GET (the transport drops the body)', async () => {
    const { router } = makeRouter({ alerts: [makeAlert({ id: 'a1' })] });
    for (const path of [
      '/api/alerts',
      '/api/alerts/a1',
      '/api/stats/summary',
      '/api/health',
      '/api/openapi.json',
    ]) {
      const [get, head] = [await router(request('GET', path)), await router(request('HEAD', path))];
      expect(head.status, path).toBe(200);
      expect(comparable(head.headers), path).toEqual(comparable(get.headers));
      expect(Buffer.byteLength(head.body), path).toBe(Buffer.byteLength(get.body));
    }
    expect((await router(request('HEAD', '/api/alerts/missing'))).status).toBe(404);
    expect((await router(request('HEAD', '/api/events/logs'))).status).toBe(405);
  });

  it('accepts lower-case methods (uWebSockets.js reports them so)', async () => {
    const { router } = makeRouter();
    expect((await router(request('get', '/api/alerts'))).status).toBe(200);
  });

  describe('maps errors in one place', () => {
    it('ValidationError from a collaborator → 400 with its details', async () => {
      const { router } = makeRouter({
        store: failingStore(new ValidationError('no', { details: { x: 1 } })),
      });
      const response = await router(request('GET', '/api/alerts'));
      expect(response.status).toBe(400);
      expect(bodyJson(response)).toEqual({ error: 'no', details: { x: 1 } });
    });

    it('an outage → 503 with retry-after, the internal reason only in the log', async () => {
      const { logger, lines } = capturingLogger();
      const outage = new UnavailableError('query alerts: PostgreSQL at db:5432/vigil could not be reached');
      const { router } = makeRouter({ logger, store: failingStore(outage) });
      const response = await router(request('GET', '/api/alerts'));
      expect(response.status).toBe(503);
      expect(response.headers?.['retry-after']).toBe('5');
      expect(JSON.stringify(bodyJson(response))).not.toContain('db:5432');
      expect(lines.some((l) => l.level === 40 && JSON.stringify(l).includes('db:5432'))).toBe(true);
    });

    it('anything else → a bare 500, logged with its stack', async () => {
      const { logger, lines } = capturingLogger();
      const { router } = makeRouter({ logger, store: failingStore(new TypeError('x is undefined')) });
      const response = await router(request('GET', '/api/alerts'));
      expect(response.status).toBe(500);
      expect(bodyJson(response)).toEqual({ error: 'internal error' });
      const logged = lines.find((l) => l.level === 50) as { err: { stack: string }; path: string };
      expect(logged.err.stack).toContain('TypeError: x is undefined');
      expect(logged.path).toBe('/api/alerts');
    });
  });

  it('never answers 500 to user input', async () => {
    const { router } = makeRouter({ staticDir: '/nonexistent-dir-for-test' });
    const paths = [
      '/api/alerts',
      '/api/alerts/x',
      '/api/stats/summary',
      '/api/stats/timeline',
      '/api/services',
      '/api/events/logs',
    ];
    const values = [
      '',
      '%',
      '%00',
      '-1',
      '1e999',
      'NaN',
      '[]',
      '{}',
      'a'.repeat(5000),
      ',,,',
      '2030-02-30T00:00:00Z',
      '\u0000',
      '😀',
    ];
    const names = [
      'severity',
      'source',
      'status',
      'from',
      'to',
      'limit',
      'cursor',
      'q',
      'bucket',
      'service',
      '__proto__',
      'constructor',
    ];
    for (const path of paths) {
      for (const name of names) {
        for (const value of values) {
          const query = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
          for (const method of ['GET', 'POST', 'PATCH']) {
            const response = await router(request(method, `${path}?${query}`, { body: value }));
            expect(response.status, `${method} ${path}?${query}`).toBeLessThan(500);
          }
        }
      }
    }
    for (const path of ['/%', '/..', '/a/%2e%2e/%2e%2e/etc/passwd', '/\u0000']) {
      expect((await router({ ...request('GET', '/'), path })).status).toBeLessThan(500);
    }
  });
});
