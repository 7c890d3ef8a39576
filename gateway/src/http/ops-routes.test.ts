import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { sampleRules } from './testing/sample-rules.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';

const text = (body: string | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString());

useTestDatabase();

describe('GET /api/rules', () => {
  it('answers the rules in force as core parsed them (every field old clients read), with their versions', async () => {
    const rules = sampleRules();
    // Without a rules store (benchmarks): the fixed set, each rule at version 1.
    const { router } = makeRouter({ rules, ruleStore: undefined });
    const response = await router(request('GET', '/api/rules'));
    expect(response.status).toBe(200);
    const meta = { version: 1, updatedBy: 'system', updatedAt: new Date(NOW).toISOString() };
    expect(bodyJson(response)).toEqual({ items: rules.map((rule) => ({ ...rule, ...meta })) });
    const put = await router(request('PUT', '/api/rules/logs.error-spike', { body: rules[0] }));
    expect(put.status).toBe(503);
  });
});

describe('GET /api/health', () => {
  // Without notifications: their failing channels are notification-routes.test.ts'.
  const notifications = undefined;
  it('is ok when every probe resolves', async () => {
    const { router } = makeRouter({
      health: { database: async () => {}, bus: async () => 'fine' },
      notifications,
    });
    const response = await router(request('GET', '/api/health'));
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toEqual({
      status: 'ok',
      components: { database: { status: 'up' }, bus: { status: 'up' } },
    });
  });
  it('is ok with no probes', async () => {
    const { router } = makeRouter({ notifications });
    expect(bodyJson(await router(request('GET', '/api/health')))).toEqual({ status: 'ok', components: {} });
  });
  it('is degraded with 503 when a probe rejects, throws or times out', async () => {
    const { router } = makeRouter({
      notifications,
      limits: { healthTimeoutMs: 20 },
      health: {
        database: async () => {
          throw new Error('connection refused');
        },
        bus: () => new Promise(() => {}),
        archive: () => {
          throw new Error('sync failure');
        },
        cache: async () => {},
      },
    });
    const response = await router(request('GET', '/api/health'));
    expect(response.status).toBe(503);
    expect(bodyJson(response)).toEqual({
      status: 'degraded',
      components: {
        database: { status: 'down', error: 'connection refused' },
        bus: { status: 'down', error: 'no answer within 20 ms' },
        archive: { status: 'down', error: 'sync failure' },
        cache: { status: 'up' },
      },
    });
  });
});

describe('GET /metrics', () => {
  it('answers the registry in its content type, with request durations by route template', async () => {
    const { router, registry } = makeRouter();
    await router(request('GET', '/api/alerts/abc'));
    await router(request('GET', '/api/alerts/def'));
    await router(request('GET', '/no/such/path'));
    const response = await router(request('GET', '/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers?.['content-type']).toBe(registry.contentType);
    const body = text(response.body);
    expect(body).toContain(
      'vigil_http_request_duration_seconds_count{method="GET",route="/api/alerts/{id}",status="404"} 2',
    );
    expect(body).toContain(
      'vigil_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    );
    expect(body).not.toContain('/api/alerts/abc');
  });
  it('lets two routers share one registry', async () => {
    const { registry } = makeRouter();
    expect(() => makeRouter({ registry })).not.toThrow();
  });
});
