import { Value } from '@sinclair/typebox/value';
import { UnavailableError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { RulesSchema } from './api-schemas.ts';
import type { HttpRouterOptions } from './create-http-router.ts';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { Route } from './route.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { sampleRules } from './testing/sample-rules.ts';
import { failingStore, useTestDatabase } from './testing/test-alert-store.ts';

const alert = makeAlert({ id: 'a1', detectedAt: '2030-01-01T11:30:00.000Z' });
const log = { ts: '2030-01-01T00:00:00Z', service: 'payments', level: 'ERROR', message: 'failed' };
const ndjsonHeaders = { 'content-type': 'application/x-ndjson' };

const downStore = () => failingStore(new UnavailableError('database down'));

interface Example {
  request: HttpRequest;
  options?: Partial<HttpRouterOptions>;
  setup?: (fixture: ReturnType<typeof makeRouter>) => void;
}

/** One request per documented operation and status; the test fails if a documented answer has none. */
const EXAMPLES: Record<string, Example> = {
  'GET /api/alerts 200': { request: request('GET', '/api/alerts?severity=high&limit=10') },
  'GET /api/alerts 400': { request: request('GET', '/api/alerts?limit=0') },
  'GET /api/alerts 503': { request: request('GET', '/api/alerts'), options: { store: downStore() } },
  'GET /api/alerts/{id} 200': { request: request('GET', '/api/alerts/a1') },
  'GET /api/alerts/{id} 400': { request: request('GET', '/api/alerts/a1?x=1') },
  'GET /api/alerts/{id} 404': { request: request('GET', '/api/alerts/none') },
  'GET /api/alerts/{id} 503': { request: request('GET', '/api/alerts/a1'), options: { store: downStore() } },
  'PATCH /api/alerts/{id} 200': {
    request: request('PATCH', '/api/alerts/a1', { body: { status: 'resolved' } }),
  },
  'PATCH /api/alerts/{id} 400': { request: request('PATCH', '/api/alerts/a1', { body: { status: 'gone' } }) },
  'PATCH /api/alerts/{id} 404': {
    request: request('PATCH', '/api/alerts/none', { body: { status: 'open' } }),
  },
  'PATCH /api/alerts/{id} 503': {
    request: request('PATCH', '/api/alerts/a1', { body: { status: 'open' } }),
    options: { store: downStore() },
  },
  'GET /api/stats/summary 200': { request: request('GET', '/api/stats/summary') },
  'GET /api/stats/summary 400': { request: request('GET', '/api/stats/summary?from=x') },
  'GET /api/stats/summary 503': {
    request: request('GET', '/api/stats/summary'),
    options: { store: downStore() },
  },
  'GET /api/stats/timeline 200': { request: request('GET', '/api/stats/timeline?bucket=5m') },
  'GET /api/stats/timeline 400': { request: request('GET', '/api/stats/timeline?bucket=7m') },
  'GET /api/stats/timeline 503': {
    request: request('GET', '/api/stats/timeline'),
    options: { store: downStore() },
  },
  'GET /api/services 200': { request: request('GET', '/api/services') },
  'GET /api/services 400': { request: request('GET', '/api/services?to=later') },
  'GET /api/services 503': { request: request('GET', '/api/services'), options: { store: downStore() } },
  'POST /api/events/{source} 202': {
    request: request('POST', '/api/events/logs', {
      body: `${JSON.stringify(log)}\n{}`,
      headers: ndjsonHeaders,
    }),
  },
  'POST /api/events/{source} 400': { request: request('POST', '/api/events/logs', { body: '' }) },
  'POST /api/events/{source} 404': { request: request('POST', '/api/events/tweets', { body: [log] }) },
  'POST /api/events/{source} 413': {
    request: request('POST', '/api/events/logs', { body: [log, log] }),
    options: { limits: { maxIngestItems: 1 } },
  },
  'POST /api/events/{source} 503': {
    request: request('POST', '/api/events/logs', { body: [log] }),
    setup: (fixture) => fixture.bus.failWith(new UnavailableError('bus down')),
  },
  'GET /api/rules 200': { request: request('GET', '/api/rules') },
  'GET /api/rules 400': { request: request('GET', '/api/rules?all=1') },
  'GET /api/health 200': { request: request('GET', '/api/health') },
  'GET /api/health 400': { request: request('GET', '/api/health?deep=1') },
  'GET /api/health 503': {
    request: request('GET', '/api/health'),
    options: { health: { database: () => Promise.reject(new Error('down')) } },
  },
  'GET /metrics 200': { request: request('GET', '/metrics') },
  'GET /metrics 400': { request: request('GET', '/metrics?name=x') },
  'GET /api/openapi.json 200': { request: request('GET', '/api/openapi.json') },
  'GET /api/openapi.json 400': { request: request('GET', '/api/openapi.json?v=2') },
};

const baseOptions: Partial<HttpRouterOptions> = {
  rules: sampleRules(),
  health: { database: async () => {} },
};

async function run(example: Example): Promise<HttpResponse> {
  const fixture = makeRouter({ alerts: [alert], ...baseOptions, ...example.options });
  example.setup?.(fixture);
  return fixture.router(example.request);
}

const documented = (routes: readonly Route[]) =>
  routes.flatMap((route) =>
    Object.keys(route.responses).map((status) => ({
      key: `${route.method} ${route.path} ${status}`,
      route,
      status,
    })),
  );

useTestDatabase();

describe('OpenAPI document', () => {
  const { router } = makeRouter(baseOptions);

  it('is served at /api/openapi.json as built from the routes', async () => {
    const response = await router(request('GET', '/api/openapi.json'));
    expect(response.status).toBe(200);
    const served = bodyJson(response) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(served).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(router.routes))));
    expect(served.openapi).toBe('3.1.0');
  });

  it('documents every route the router serves, and nothing else', async () => {
    const served = bodyJson(await router(request('GET', '/api/openapi.json'))) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(served.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(router.routes.map((r) => `${r.method} ${r.path}`).sort());
    // Methods not documented for a path are refused, so nothing undocumented hides behind a documented path.
    for (const [path, ops] of Object.entries(served.paths)) {
      const concrete = path.replace('{id}', 'a1').replace('{source}', 'logs');
      for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
        if (method.toLowerCase() in ops) continue;
        expect((await router(request(method, concrete))).status, `${method} ${path}`).toBe(405);
      }
    }
  });

  it('has an example for every documented answer', () => {
    const missing = documented(router.routes)
      .map((d) => d.key)
      .filter((key) => !(key in EXAMPLES));
    expect(missing).toEqual([]);
  });

  it("documents rules by core's rule schema, not as any object with an id", () => {
    expect(Value.Check(RulesSchema, { items: sampleRules() })).toBe(true);
    expect(Value.Check(RulesSchema, { items: [{ id: 'logs.x' }] })).toBe(false);
    expect(Value.Check(RulesSchema, { items: [{ ...sampleRules()[0], kind: 'median' }] })).toBe(false);
  });

  describe('every route answers as documented', () => {
    for (const { key, route, status } of documented(router.routes)) {
      it(key, async () => {
        const example = EXAMPLES[key];
        if (!example) throw new Error(`no example for ${key}`);
        const response = await run(example);
        expect(response.status).toBe(Number(status));
        const spec = route.responses[Number(status)]!;
        const contentType = spec.contentType ?? 'application/json';
        expect(response.headers?.['content-type']).toMatch(new RegExp(`^${contentType}`));
        for (const header of Object.keys(spec.headers ?? {}))
          expect(response.headers?.[header]).toBeDefined();
        if (!spec.schema) return;
        const body =
          contentType === 'application/json' ? bodyJson(response) : Buffer.from(response.body).toString();
        const errors = [...Value.Errors(spec.schema, body)].map((e) => `${e.path}: ${e.message}`);
        expect(errors).toEqual([]);
      });
    }
  });
});
