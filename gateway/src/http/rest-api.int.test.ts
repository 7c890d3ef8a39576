import type { Alert } from '@vigil/core';
import { type Database, openDatabase } from '@vigil/db';
import { makeAlert, windowAllocator } from '@vigil/db/testing';
import { createTestDatabase, describeWith, services, type TestDatabase } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authFor } from '../fanout/testing/test-identities.ts';
import type { HttpRouter } from './create-http-router.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { seedTestTokens } from './testing/test-tokens.ts';

interface Page {
  items: Alert[];
  nextCursor: string | null;
}

// Skipped (with the harness saying why) only when this run has no PostgreSQL; never under CI=true.
describeWith(['postgres'])('REST API over PostgreSQL', () => {
  const logger = pino({ level: 'silent' });
  const nextWindow = windowAllocator();
  let testDb: TestDatabase;
  let database: Database;
  let router: HttpRouter;

  beforeAll(async () => {
    testDb = await createTestDatabase(services().postgres!.url, 'gateway-http');
    database = await openDatabase({ url: testDb.url, logger });
    // The real auth over the same database, holding the tokens request() sends (test-tokens.ts).
    await seedTestTokens(database.identities);
    const { auth } = await authFor(database, { logger });
    router = makeRouter({
      store: database.store,
      auth,
      health: { database: () => database.store.ping() },
      // The fixture's notification store starts an in-memory PGlite on first use, which can take longer than the
      // 1 s production bound on a busy machine; this suite is about the answers, not that bound (ops-routes.test).
      limits: { healthTimeoutMs: 30_000 },
    }).router;
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  const get = async <T = Page>(target: string) => {
    const response = await router(request('GET', target));
    return { status: response.status, body: bodyJson(response) as T & { details?: { parameter?: string } } };
  };
  const ids = (page: Page) => page.items.map((a) => a.id);

  it('filters by every parameter against the real store', async () => {
    const w = nextWindow();
    const a = (n: number, overrides: Partial<Alert>) =>
      makeAlert({ id: w.id(n), detectedAt: w.at(n * 1000), ...overrides });
    await database.store.insertAlerts([
      a(1, { severity: 'low', source: 'logs', service: 'payments', title: 'Failure logged' }),
      a(2, { severity: 'high', source: 'metrics', service: 'search', ruleId: 'metrics.latency-high' }),
      a(3, {
        severity: 'critical',
        source: 'metrics',
        service: 'payments',
        ruleId: 'metrics.cpu-and-latency',
      }),
      a(4, {
        severity: 'high',
        source: 'security',
        service: null,
        userId: 'u-77',
        ruleId: 'security.login-failures',
      }),
      a(5, {
        severity: 'medium',
        source: 'transactions',
        service: 'ledger',
        status: 'resolved',
        message: 'zebra',
      }),
    ]);
    const range = `from=${w.range.from}&to=${w.range.to}`;
    const cases: [string, number[]][] = [
      ['', [5, 4, 3, 2, 1]],
      ['severity=high,critical', [4, 3, 2]],
      ['severity=high&severity=critical&source=metrics', [3, 2]],
      ['service=payments', [3, 1]],
      ['ruleId=metrics.latency-high,security.login-failures', [4, 2]],
      ['userId=u-77', [4]],
      ['status=resolved', [5]],
      ['status=open&source=logs', [1]],
      ['q=zebr', [5]],
      ['q=failure', [1]],
      [`to=${w.at(3000)}`, [2, 1]],
    ];
    for (const [query, expected] of cases) {
      const target = query.startsWith('to=')
        ? `/api/alerts?from=${w.range.from}&${query}`
        : `/api/alerts?${range}&${query}`;
      const { status, body } = await get(target);
      expect(status, query).toBe(200);
      expect(ids(body), query).toEqual(expected.map((n) => w.id(n)));
    }
  });

  it('walks pages while newer alerts are inserted: no duplicate, no gap among the original set', async () => {
    const w = nextWindow();
    const originals = Array.from({ length: 120 }, (_, n) =>
      makeAlert({ id: w.id(n), detectedAt: w.at(n * 1000) }),
    );
    await database.store.insertAlerts(originals);
    const range = `from=${w.range.from}&to=${w.range.to}`;
    const seen: string[] = [];
    let cursor: string | null = null;
    let newer = 1000;
    let pages = 0;
    do {
      const target: string = `/api/alerts?${range}&limit=25${cursor ? `&cursor=${cursor}` : ''}`;
      // Newer alerts (later detectedAt, same filter) land while each page is being read.
      const batch = Array.from({ length: 5 }, () => {
        newer += 1;
        return makeAlert({ id: w.id(newer), detectedAt: w.at(3_600_000 + newer * 1000) });
      });
      const [page] = await Promise.all([get(target), database.store.insertAlerts(batch)]);
      expect(page.status).toBe(200);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);

    expect(new Set(seen).size).toBe(seen.length);
    const originalIds = new Set(originals.map((o) => o.id));
    expect(seen.filter((id) => originalIds.has(id))).toEqual([...originalIds].reverse());
  });

  it('answers one alert, 404 for an unknown id, and persists a status change', async () => {
    const w = nextWindow();
    const alert = makeAlert({ id: w.id(1), detectedAt: w.at(0) });
    await database.store.insertAlerts([alert]);
    expect((await get<Alert>(`/api/alerts/${alert.id}`)).body).toEqual(alert);
    const missing = await get(`/api/alerts/${w.id(2)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'alert not found', details: { id: w.id(2) } });

    const patched = await router(
      request('PATCH', `/api/alerts/${alert.id}`, { body: { status: 'acknowledged' } }),
    );
    expect(patched.status).toBe(200);
    expect((await database.store.getAlert(alert.id))?.status).toBe('acknowledged');
    const patchMissing = await router(
      request('PATCH', `/api/alerts/${w.id(2)}`, { body: { status: 'resolved' } }),
    );
    expect(patchMissing.status).toBe(404);
  });

  it('answers 400 naming the parameter, the store’s own cursor check included', async () => {
    for (const [query, parameter] of [
      ['cursor=abc', 'cursor'],
      ['cursor=WyJ4IiwieSJd', 'cursor'],
      ['severity=urgent', 'severity'],
      ['from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z', 'from'],
      ['limit=1000', 'limit'],
      ['colour=red', 'colour'],
    ]) {
      const { status, body } = await get(`/api/alerts?${query}`);
      expect(status, query).toBe(400);
      expect(body.details?.parameter, query).toBe(parameter);
    }
  });

  it('summarises, buckets and lists services over a range', async () => {
    const w = nextWindow();
    const hour = 3_600_000;
    await database.store.insertAlerts([
      makeAlert({ id: w.id(1), detectedAt: w.at(10), severity: 'high', service: 'payments' }),
      makeAlert({
        id: w.id(2),
        detectedAt: w.at(hour + 10),
        severity: 'low',
        service: 'payments',
        status: 'resolved',
      }),
      makeAlert({ id: w.id(3), detectedAt: w.at(2 * hour + 10), severity: 'critical', service: 'search' }),
    ]);
    const range = `from=${w.range.from}&to=${w.range.to}`;
    const summary = await get<{ total: number; byService: Record<string, number> }>(
      `/api/stats/summary?${range}`,
    );
    expect(summary.body).toMatchObject({ total: 3, byService: { payments: 2, search: 1 } });

    const timeline = await get<{ points: { total: number }[] }>(
      `/api/stats/timeline?bucket=1h&from=${w.at(0)}&to=${w.at(4 * hour)}`,
    );
    expect(timeline.status).toBe(200);
    expect(timeline.body.points.map((p) => p.total)).toEqual([1, 1, 1, 0]);

    const services = await get<{ items: { service: string; total: number; open: number }[] }>(
      `/api/services?${range}`,
    );
    expect(services.body.items.map(({ service, total, open }) => ({ service, total, open }))).toEqual([
      { service: 'payments', total: 2, open: 1 },
      { service: 'search', total: 1, open: 1 },
    ]);
  });

  it('reports the database up in /api/health', async () => {
    const response = await router(request('GET', '/api/health'));
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toEqual({
      status: 'ok',
      components: { database: { status: 'up' } },
      notifications: { failingChannels: [] },
    });
  });
});
