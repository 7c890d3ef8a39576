import { Value } from '@sinclair/typebox/value';
import {
  decide,
  ERROR_CODES,
  MAX_BULK_IDS,
  type Principal,
  type TokenRole,
  UnavailableError,
  VigilError,
} from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { HttpRouterOptions } from './create-http-router.ts';
import type { HttpAlertStore } from './http-ports.ts';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { Route } from './route.ts';
import { RuleListSchema } from './rule-schemas.ts';
import type { HttpRuleStore } from './rules-routes.ts';
import {
  EXAMPLE_ALERT,
  EXAMPLE_PASSWORD,
  exampleChannel,
  examplePolicy,
  exampleSilence,
  OPERATION_EXAMPLES,
} from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { sampleRules } from './testing/sample-rules.ts';
import { failingStore, seededStore, useTestDatabase } from './testing/test-alert-store.ts';
import { failingArchive } from './testing/test-archive.ts';
import { testAuth } from './testing/test-auth.ts';
import { freshUser, NO_CREDENTIAL, type TestCredential, tokenCredential } from './testing/test-identities.ts';
import { exampleRule } from './testing/test-rule-store.ts';

const log = { ts: '2030-01-01T00:00:00Z', service: 'payments', level: 'ERROR', message: 'failed' };
const jsonHeaders = { 'content-type': 'application/json' };

const downStore = () => failingStore(new UnavailableError('database down'));
/** A rules store whose every call fails as an outage does. */
const downRules = (): HttpRuleStore => {
  const down = () => Promise.reject(new UnavailableError('database down'));
  return {
    list: down,
    get: down,
    put: down,
    setEnabled: down,
    delete: down,
    versions: down,
    exportAll: down,
    importSet: down,
    raisedAlerts: down,
  };
};
/** The store refusing the example alert's reopen, as the result of one id, or (race) by throwing. */
const refusingReopen = (race: boolean): HttpAlertStore => ({
  ...seededStore([EXAMPLE_ALERT]),
  transition: async (ids) => {
    if (race) throw new VigilError(ERROR_CODES.conflict, 'a concurrent change won');
    return ids.map((id) => ({ id, outcome: 'conflict' as const, alert: EXAMPLE_ALERT }));
  },
});

interface Example {
  /** The request, or what makes it (and the target it needs) when the test runs. */
  request: HttpRequest | (() => Promise<HttpRequest>);
  options?: Partial<HttpRouterOptions>;
  setup?: (fixture: ReturnType<typeof makeRouter>) => unknown;
}

/** The credential of the documented successes: an admin signed in by cookie may call every operation. */
let admin: Promise<TestCredential> | undefined;
const adminUser = () => {
  admin ??= freshUser('admin').then((u) => u.credential);
  return admin;
};

/** The success example of an operation (testing/operation-examples.ts) made for `as`. */
const exampleAs = (operation: string, as: () => Promise<TestCredential>) => async () => {
  const factory = OPERATION_EXAMPLES[operation];
  if (!factory) throw new Error(`no example request for ${operation} in testing/operation-examples.ts`);
  return (await factory(await as())).request;
};

const post = (target: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
  request('POST', target, { body, headers });

/**
 * One request per documented operation and status beyond what `derived` makes for every operation (its
 * success, 400 for an unknown parameter, 401, 403 and 429); the test fails if a documented answer has none.
 */
const EXAMPLES: Record<string, Example> = {
  'GET /api/alerts 400': { request: request('GET', '/api/alerts?limit=0') },
  'GET /api/alerts 503': { request: request('GET', '/api/alerts'), options: { store: downStore() } },
  'GET /api/alerts/{id} 404': { request: request('GET', '/api/alerts/none') },
  'GET /api/alerts/{id} 503': { request: request('GET', '/api/alerts/a1'), options: { store: downStore() } },
  'GET /api/alerts/{id}/events 404': { request: request('GET', '/api/alerts/none/events') },
  'GET /api/alerts/{id}/events 503': {
    request: request('GET', '/api/alerts/a1/events'),
    options: { archive: failingArchive(new UnavailableError('archive down')) },
  },
  'PATCH /api/alerts/{id} 400': { request: request('PATCH', '/api/alerts/a1', { body: { status: 'gone' } }) },
  'PATCH /api/alerts/{id} 404': {
    request: request('PATCH', '/api/alerts/none', { body: { status: 'open' } }),
  },
  'PATCH /api/alerts/{id} 503': {
    request: request('PATCH', '/api/alerts/a1', { body: { status: 'open' } }),
    options: { store: downStore() },
  },
  // A refused reopen needs two episodes of one rule and key (lifecycle-routes.test.ts makes them with the
  // store's fold); here the store answers as it would.
  'PATCH /api/alerts/{id} 409': {
    request: request('PATCH', '/api/alerts/a1', { body: { status: 'open' } }),
    options: { store: refusingReopen(false) },
  },
  'POST /api/alerts/bulk 409': {
    request: post('/api/alerts/bulk', { ids: ['a1'], status: 'open' }),
    options: { store: refusingReopen(true) },
  },
  'POST /api/alerts/bulk 400': {
    request: post('/api/alerts/bulk', {
      ids: Array.from({ length: MAX_BULK_IDS + 1 }, (_, n) => `a${n}`),
      status: 'open',
    }),
  },
  'POST /api/alerts/bulk 503': {
    request: post('/api/alerts/bulk', { ids: ['a1'], status: 'resolved' }),
    options: { store: downStore() },
  },
  'POST /api/alerts/{id}/comments 400': { request: post('/api/alerts/a1/comments', { note: '' }) },
  'POST /api/alerts/{id}/comments 404': { request: post('/api/alerts/none/comments', { note: 'hello' }) },
  'POST /api/alerts/{id}/comments 503': {
    request: post('/api/alerts/a1/comments', { note: 'hello' }),
    options: { store: downStore() },
  },
  'GET /api/alerts/{id}/activity 404': { request: request('GET', '/api/alerts/none/activity') },
  'GET /api/alerts/{id}/activity 503': {
    request: request('GET', '/api/alerts/a1/activity'),
    options: { store: downStore() },
  },
  'GET /api/stats/summary 400': { request: request('GET', '/api/stats/summary?from=x') },
  'GET /api/stats/summary 503': {
    request: request('GET', '/api/stats/summary'),
    options: { store: downStore() },
  },
  'GET /api/stats/timeline 400': { request: request('GET', '/api/stats/timeline?bucket=7m') },
  'GET /api/stats/timeline 503': {
    request: request('GET', '/api/stats/timeline'),
    options: { store: downStore() },
  },
  'GET /api/services 400': { request: request('GET', '/api/services?to=later') },
  'GET /api/services 503': { request: request('GET', '/api/services'), options: { store: downStore() } },
  // A gateway built without the event store answers the explorer's routes 503.
  'GET /api/events 503': { request: request('GET', '/api/events'), options: { explorer: undefined } },
  'GET /api/metrics/timeseries 503': {
    request: request('GET', '/api/metrics/timeseries?field=cpu'),
    options: { explorer: undefined },
  },
  'GET /api/entities 503': {
    request: request('GET', '/api/entities?kind=ip'),
    options: { explorer: undefined },
  },
  'POST /api/events/{source} 400': { request: post('/api/events/logs', '') },
  'POST /api/events/{source} 404': { request: post('/api/events/tweets', [log]) },
  'POST /api/events/{source} 413': {
    request: post('/api/events/logs', [log, log]),
    options: { limits: { maxIngestItems: 1 } },
  },
  'POST /api/events/{source} 415': {
    request: post('/api/events/logs', JSON.stringify([log]), { 'content-type': 'text/plain' }),
  },
  'POST /api/events/{source} 503': {
    request: post('/api/events/logs', [log]),
    setup: (fixture) => fixture.bus.failWith(new UnavailableError('bus down')),
  },
  'GET /api/health 503': {
    request: request('GET', '/api/health'),
    options: { health: { database: () => Promise.reject(new Error('down')) } },
  },
  'POST /api/auth/login 400': { request: post('/api/auth/login', { username: 'x' }) },
  'POST /api/auth/login 401': {
    request: async () => {
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      return post('/api/auth/login', { username: user.username, password: 'not the password' });
    },
  },
  'POST /api/auth/login 403': {
    request: request('POST', '/api/auth/login', {
      as: 'none',
      body: { username: 'admin', password: EXAMPLE_PASSWORD },
      headers: { ...jsonHeaders, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    }),
  },
  'POST /api/auth/login 429': {
    request: post('/api/auth/login', { username: 'locked-out', password: 'wrong' }),
    options: { auth: testAuth({ now: () => NOW, rateLimits: { loginFailuresPerUserAndIp: 1 } }) },
    setup: (fixture) =>
      fixture.router(post('/api/auth/login', { username: 'locked-out', password: 'wrong' })),
  },
  'POST /api/auth/password 400': {
    request: async () => {
      const { credential } = await freshUser('viewer');
      return request('POST', '/api/auth/password', {
        as: 'none',
        body: { newPassword: 'short' },
        headers: credential.headers,
      });
    },
  },
  'POST /api/users 409': {
    request: async () => {
      const { user } = await freshUser('viewer');
      return post('/api/users', { username: user.username, role: 'viewer', password: EXAMPLE_PASSWORD });
    },
  },
  'PATCH /api/users/{id} 404': { request: request('PATCH', '/api/users/none', { body: { role: 'viewer' } }) },
  'DELETE /api/users/{id} 404': { request: request('DELETE', '/api/users/none') },
  'DELETE /api/tokens/{id} 404': { request: request('DELETE', '/api/tokens/none') },
  // A gateway built without the silence store answers the silence routes 503.
  'GET /api/silences 503': { request: request('GET', '/api/silences'), options: { silences: undefined } },
  'POST /api/silences 503': {
    request: post('/api/silences', exampleSilence(NOW)),
    options: { silences: undefined },
  },
  'POST /api/silences/preview 503': {
    request: post('/api/silences/preview', exampleSilence(NOW)),
    options: { silences: undefined },
  },
  'GET /api/silences/{id} 404': { request: request('GET', '/api/silences/none') },
  'GET /api/silences/{id} 503': {
    request: request('GET', '/api/silences/none'),
    options: { silences: undefined },
  },
  'DELETE /api/silences/{id} 404': { request: request('DELETE', '/api/silences/none') },
  'DELETE /api/silences/{id} 503': {
    request: request('DELETE', '/api/silences/none'),
    options: { silences: undefined },
  },
  // Notifications: a gateway without the notification store, unknown ids, a channel the policy uses.
  ...Object.fromEntries(
    [
      ['GET', '/api/channels'],
      ['POST', '/api/channels', exampleChannel()],
      ['GET', '/api/channels/{id}'],
      ['PUT', '/api/channels/{id}', exampleChannel()],
      ['DELETE', '/api/channels/{id}'],
      ['POST', '/api/channels/{id}/test'],
      ['GET', '/api/notification-policy'],
      ['PUT', '/api/notification-policy', { routes: [] }],
      ['GET', '/api/alerts/{id}/routes'],
      ['GET', '/api/notifications'],
    ].map(([method, path, body]) => [
      `${method} ${path} 503`,
      {
        request: request(String(method), String(path).replace('{id}', 'a1'), { body }),
        options: { notifications: undefined },
      },
    ]),
  ),
  'GET /api/channels/{id} 404': { request: request('GET', '/api/channels/none') },
  'PUT /api/channels/{id} 404': { request: request('PUT', '/api/channels/none', { body: exampleChannel() }) },
  'DELETE /api/channels/{id} 404': { request: request('DELETE', '/api/channels/none') },
  'DELETE /api/channels/{id} 409': {
    request: async () => {
      const policy = await examplePolicy();
      expect(
        (await makeRouter().router(request('PUT', '/api/notification-policy', { body: policy }))).status,
      ).toBe(200);
      return request('DELETE', `/api/channels/${policy.routes[0]?.channels[0]}`);
    },
  },
  'POST /api/channels/{id}/test 404': { request: request('POST', '/api/channels/none/test') },
  'GET /api/alerts/{id}/routes 404': { request: request('GET', '/api/alerts/none/routes') },
  // Rules: a store that is down, an id no rule has, a rule that is new (201), an archive that is down.
  'GET /api/rules 503': { request: request('GET', '/api/rules'), options: { ruleStore: downRules() } },
  'GET /api/rules/{id} 404': { request: request('GET', '/api/rules/none') },
  'GET /api/rules/{id} 503': { request: request('GET', '/api/rules/x'), options: { ruleStore: downRules() } },
  'PUT /api/rules/{id} 201': {
    request: async () => {
      const rule = exampleRule();
      return request('PUT', `/api/rules/${rule.id}`, { body: rule });
    },
  },
  'PUT /api/rules/{id} 503': {
    request: request('PUT', '/api/rules/x', { body: exampleRule('x') }),
    options: { ruleStore: downRules() },
  },
  'PATCH /api/rules/{id} 404': { request: request('PATCH', '/api/rules/none', { body: { enabled: true } }) },
  'PATCH /api/rules/{id} 503': {
    request: request('PATCH', '/api/rules/x', { body: { enabled: true } }),
    options: { ruleStore: downRules() },
  },
  'DELETE /api/rules/{id} 404': { request: request('DELETE', '/api/rules/none') },
  'DELETE /api/rules/{id} 503': {
    request: request('DELETE', '/api/rules/x'),
    options: { ruleStore: downRules() },
  },
  'GET /api/rules/{id}/versions 404': { request: request('GET', '/api/rules/none/versions') },
  'GET /api/rules/{id}/versions 503': {
    request: request('GET', '/api/rules/x/versions'),
    options: { ruleStore: downRules() },
  },
  'GET /api/rules/export 503': {
    request: request('GET', '/api/rules/export'),
    options: { ruleStore: downRules() },
  },
  'POST /api/rules/import 503': {
    request: post('/api/rules/import?dryRun=true', { version: 1, rules: [] }),
    options: { ruleStore: downRules() },
  },
  'POST /api/rules/backtest 503': {
    request: post('/api/rules/backtest', {
      rule: exampleRule(),
      from: '2030-01-01T00:00:00Z',
      to: '2030-01-01T01:00:00Z',
    }),
    options: { archive: failingArchive(new UnavailableError('archive down')) },
  },
};

/** What refuses every rate-limited request at once: rate-limiter-flexible refuses the first point of 0. */
const refuseAll = () =>
  testAuth({ now: () => NOW, rateLimits: { apiPerIp: 0, apiPerCredential: 0, ingestPerCredential: 0 } });

const TOKEN_ROLES_ASCENDING = ['ingest', 'viewer', 'operator', 'admin'] as const;

/** The answers every operation documents, made from its success example. */
function derived(route: Route, status: number): Example | undefined {
  const operation = `${route.method} ${route.path}`;
  const success = Math.min(
    ...Object.keys(route.responses)
      .map(Number)
      .filter((s) => s < 400),
  );
  if (status === success) return { request: exampleAs(operation, adminUser) };
  if (status === 400) {
    return {
      request: async () => {
        const made = await exampleAs(operation, adminUser)();
        made.query.append('unexpected', '1');
        return made;
      },
    };
  }
  if (status === 401) return { request: exampleAs(operation, async () => NO_CREDENTIAL) };
  if (status === 403) {
    // The highest role the permission refuses: a role just below it.
    const refused = TOKEN_ROLES_ASCENDING.filter(
      (role) => decide(principalWithRole(role), route.permission) === 'forbidden',
    ).at(-1);
    if (!refused) return undefined;
    return { request: exampleAs(operation, async () => tokenCredential(refused)) };
  }
  if (status === 429) return { request: exampleAs(operation, adminUser), options: { auth: refuseAll() } };
  return undefined;
}

const principalWithRole = (role: TokenRole): Principal => ({
  kind: 'token',
  id: role,
  name: role,
  role,
  credentialId: role,
  expiresAt: null,
  scope: null,
  sources: null,
});

const exampleFor = (route: Route, status: number): Example | undefined =>
  EXAMPLES[`${route.method} ${route.path} ${status}`] ?? derived(route, status);

const baseOptions: Partial<HttpRouterOptions> = {
  rules: sampleRules(),
  health: { database: async () => {} },
};

async function run(example: Example): Promise<HttpResponse> {
  const fixture = makeRouter({ alerts: [EXAMPLE_ALERT], ...baseOptions, ...example.options });
  await example.setup?.(fixture);
  const made = typeof example.request === 'function' ? await example.request() : example.request;
  return fixture.router(made);
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
      .filter(({ route, status }) => !exampleFor(route, Number(status)))
      .map((d) => d.key);
    expect(missing).toEqual([]);
  });

  it("documents rules by core's rule schema, not as any object with an id", () => {
    const meta = { version: 1, updatedBy: 'system', updatedAt: '2030-01-01T00:00:00.000Z' };
    const items = sampleRules().map((rule) => ({ ...rule, ...meta }));
    expect(Value.Check(RuleListSchema, { items })).toBe(true);
    expect(Value.Check(RuleListSchema, { items: [{ id: 'logs.x', ...meta }] })).toBe(false);
    expect(Value.Check(RuleListSchema, { items: [{ ...items[0], kind: 'median' }] })).toBe(false);
  });

  describe('every route answers as documented', () => {
    for (const { key, route, status } of documented(router.routes)) {
      it(key, async () => {
        const example = exampleFor(route, Number(status));
        if (!example) throw new Error(`no example for ${key}`);
        const response = await run(example);
        expect(response.status, Buffer.from(response.body).toString()).toBe(Number(status));
        const spec = route.responses[Number(status)]!;
        for (const header of Object.keys(spec.headers ?? {}))
          expect(response.headers?.[header]).toBeDefined();
        if (!spec.schema) return; // 204, 303: no body to describe
        const contentType = spec.contentType ?? 'application/json';
        expect(response.headers?.['content-type']).toMatch(new RegExp(`^${contentType}`));
        const body =
          contentType === 'application/json' ? bodyJson(response) : Buffer.from(response.body).toString();
        const errors = [...Value.Errors(spec.schema, body)].map((e) => `${e.path}: ${e.message}`);
        expect(errors).toEqual([]);
      });
    }
  });
});
