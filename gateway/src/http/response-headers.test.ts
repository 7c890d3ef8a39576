import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { UnavailableError, ValidationError } from '@vigil/core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { failingStore, useTestDatabase } from './testing/test-alert-store.ts';
import { testAuth } from './testing/test-auth.ts';

useTestDatabase();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-headers-'));
  await writeFile(join(dir, 'index.html'), '<html><script>start()</script></html>');
  await writeFile(join(dir, 'robots.txt'), 'User-agent: *');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A logger whose JSON lines are kept. */
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

const text = (response: HttpResponse) => Buffer.from(response.body).toString('utf8');

/** One request per kind of answer, each through its own router where the answer needs one. */
const ANSWERS: [string, number, () => Promise<HttpResponse>][] = [
  ['an API read', 200, () => makeRouter().router(request('GET', '/api/alerts'))],
  ['a public route', 200, () => makeRouter().router(request('GET', '/api/health', { as: 'none' }))],
  ['bad input', 400, () => makeRouter().router(request('GET', '/api/alerts?limit=0'))],
  ['no credentials', 401, () => makeRouter().router(request('GET', '/api/alerts', { as: 'none' }))],
  ['too low a role', 403, () => makeRouter().router(request('GET', '/api/users', { as: 'viewer' }))],
  ['an unknown API path', 404, () => makeRouter().router(request('GET', '/api/nothing'))],
  ['a wrong method', 405, () => makeRouter().router(request('PUT', '/api/alerts'))],
  [
    'a foreign Host',
    421,
    () => makeRouter().router(request('GET', '/api/alerts', { headers: { host: 'evil.example' } })),
  ],
  [
    'a rate limit',
    429,
    () =>
      makeRouter({ auth: testAuth({ now: () => NOW, rateLimits: { apiPerIp: 0 } }) }).router(
        request('GET', '/api/alerts'),
      ),
  ],
  [
    'a bug',
    500,
    () =>
      makeRouter({ store: failingStore(new TypeError('x is undefined')) }).router(
        request('GET', '/api/alerts'),
      ),
  ],
  [
    'an outage',
    503,
    () =>
      makeRouter({ store: failingStore(new UnavailableError('db:5432 down')) }).router(
        request('GET', '/api/alerts'),
      ),
  ],
  ['a dashboard page', 200, () => makeRouter({ staticDir: dir }).router(request('GET', '/'))],
  ['a static file', 200, () => makeRouter({ staticDir: dir }).router(request('GET', '/robots.txt'))],
  ['a missing static asset', 404, () => makeRouter({ staticDir: dir }).router(request('GET', '/x.png'))],
];

describe('every response', () => {
  describe.each(ANSWERS)('%s (%i)', (_, status, answer) => {
    it('carries the security headers and a request id', async () => {
      const response = await answer();
      expect(response.status).toBe(status);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(response.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers?.['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('shows no stack trace or internals in its body', async () => {
      const body = text(await answer());
      expect(body).not.toMatch(/\bat .+:\d+:\d+/); // a stack frame
      expect(body).not.toMatch(/\.ts\b|node_modules|TypeError|db:5432/);
    });
  });

  it("gives the dashboard's HTML its own policy, running its inline scripts by hash only", async () => {
    const response = await makeRouter({ staticDir: dir }).router(request('GET', '/'));
    const csp = response.headers?.['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src')) ?? '';
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval/); // inline styles only, never inline scripts
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('X-Request-Id', () => {
  const withId = (id: string, target = '/api/alerts'): HttpRequest =>
    request('GET', target, { headers: { 'x-request-id': id } });

  it.each(['abc-123', 'trace.1:2_3', 'A'.repeat(128)])(
    'echoes a client id that looks like one: %s',
    async (id) => {
      const response = await makeRouter().router(withId(id));
      expect(response.headers?.['x-request-id']).toBe(id);
    },
  );

  it.each(['', 'has space', 'a'.repeat(129), 'x\ny', '<script>', 'ünï'])(
    'replaces anything else with a generated one: %j',
    async (id) => {
      const response = await makeRouter().router(withId(id));
      expect(response.headers?.['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(response.headers?.['x-request-id']).not.toBe(id);
    },
  );

  it('generates a different one per request', async () => {
    const { router } = makeRouter();
    const ids = new Set<string | undefined>();
    for (let i = 0; i < 5; i += 1)
      ids.add((await router(request('GET', '/api/alerts'))).headers?.['x-request-id']);
    expect(ids.size).toBe(5);
  });

  it('is in the log line of a failed request, so a reported id finds it', async () => {
    const { logger, lines } = capturingLogger();
    const { router } = makeRouter({ logger, store: failingStore(new TypeError('x is undefined')) });
    const response = await router(withId('report-42'));
    expect(response.status).toBe(500);
    expect(bodyJson(response)).toEqual({ error: 'internal error' });
    expect(lines.find((l) => l.level === 50)).toMatchObject({ requestId: 'report-42', path: '/api/alerts' });
  });

  it('is in the warning of an outage, with a generated id when the client sent none', async () => {
    const { logger, lines } = capturingLogger();
    const { router } = makeRouter({ logger, store: failingStore(new UnavailableError('down')) });
    const response = await router(request('GET', '/api/alerts'));
    expect(lines.find((l) => l.level === 40)?.requestId).toBe(response.headers?.['x-request-id']);
  });

  it('keeps an error cause out of a 400 body', async () => {
    const cause = new Error('internal detail at /srv/vigil/db.ts:12:3');
    const { router } = makeRouter({ store: failingStore(new ValidationError('bad', { cause })) });
    const body = text(await router(request('GET', '/api/alerts')));
    expect(body).toBe('{"error":"bad"}');
  });
});
