import type { Alert } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';

const minutesBeforeNow = (m: number) => new Date(NOW - m * 60_000).toISOString();
const alerts: Alert[] = [
  makeAlert({ id: 'a1', detectedAt: minutesBeforeNow(90), severity: 'low', service: 'payments' }),
  makeAlert({
    id: 'a2',
    detectedAt: minutesBeforeNow(30),
    severity: 'high',
    service: 'payments',
    status: 'resolved',
  }),
  makeAlert({
    id: 'a3',
    detectedAt: minutesBeforeNow(10),
    severity: 'high',
    source: 'metrics',
    service: 'search',
  }),
  makeAlert({
    id: 'a4',
    detectedAt: minutesBeforeNow(5),
    severity: 'critical',
    ruleId: 'x.y',
    service: null,
  }),
];

async function get(target: string, limits = {}) {
  const { router } = makeRouter({ alerts, limits });
  const response = await router(request('GET', target));
  // biome-ignore lint/suspicious/noExplicitAny: response shapes are checked field by field below
  return { status: response.status, body: bodyJson(response) as any };
}

useTestDatabase();

describe('GET /api/stats/summary', () => {
  it('counts services and rules named like Object.prototype members', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const odd = names.map((name, n) => makeAlert({ id: `p${n}`, service: name, ruleId: name }));
    const { router } = makeRouter({ alerts: odd });
    const body = bodyJson(await router(request('GET', '/api/stats/summary'))) as Record<string, object>;
    const expected = Object.fromEntries(names.map((name) => [name, 1]));
    for (const counts of [body.byService, body.byRuleId]) {
      expect(Object.keys(counts!).sort()).toEqual([...names].sort());
      for (const name of names)
        expect(Object.getOwnPropertyDescriptor(counts, name)?.value).toBe(expected[name]);
    }
  });
  it('counts everything without a range', async () => {
    const { status, body } = await get('/api/stats/summary');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      from: null,
      to: null,
      total: 4,
      bySeverity: { info: 0, low: 1, medium: 0, high: 2, critical: 1 },
      bySource: { logs: 3, metrics: 1, transactions: 0, security: 0 },
      byStatus: { open: 3, acknowledged: 0, resolved: 1 },
      byService: { payments: 2, search: 1 },
      byRuleId: { 'logs.error-spike': 3, 'x.y': 1 },
    });
  });
  it('narrows to the range and echoes it', async () => {
    const from = minutesBeforeNow(60);
    const { body } = await get(`/api/stats/summary?from=${from}`);
    expect(body).toMatchObject({ from, to: null, total: 3 });
  });
  it.each([
    ['from=soon', 'from'],
    [`from=${minutesBeforeNow(1)}&to=${minutesBeforeNow(2)}`, 'from'],
    ['bucket=1m', 'bucket'],
    ['from=0000-01-01T00:00:00Z', 'from'],
    ['to=0000-01-01T00:00:00Z', 'to'],
  ])('answers 400 for %s', async (query, parameter) => {
    const { status, body } = await get(`/api/stats/summary?${query}`);
    expect(status).toBe(400);
    expect(body.details.parameter).toBe(parameter);
  });
});

describe('GET /api/stats/timeline', () => {
  it('defaults to 1m buckets over the last hour', async () => {
    const { status, body } = await get('/api/stats/timeline');
    expect(status).toBe(200);
    expect(body.bucket).toBe('1m');
    expect(body.from).toBe(minutesBeforeNow(60));
    expect(body.to).toBe(new Date(NOW).toISOString());
    expect(body.points).toHaveLength(60);
    expect(body.points.reduce((n: number, p: { total: number }) => n + p.total, 0)).toBe(3);
    expect(body.points[50]).toEqual({
      bucketStart: minutesBeforeNow(10),
      total: 1,
      bySeverity: { info: 0, low: 0, medium: 0, high: 1, critical: 0 },
    });
  });
  it('takes bucket, from and to', async () => {
    const { body } = await get(
      `/api/stats/timeline?bucket=1h&from=${minutesBeforeNow(120)}&to=${minutesBeforeNow(0)}`,
    );
    expect(body.points.map((p: { total: number }) => p.total)).toEqual([1, 3]);
  });
  it('defaults from to one hour before a given to', async () => {
    const to = minutesBeforeNow(600);
    const { body } = await get(`/api/stats/timeline?to=${to}&bucket=15m`);
    expect(body.from).toBe(minutesBeforeNow(660));
    expect(body.points).toHaveLength(4);
  });
  it('answers 400 naming bucket, from and to when the range holds too many buckets', async () => {
    const from = new Date(NOW - 2 * 86_400_000).toISOString();
    const { status, body } = await get(`/api/stats/timeline?from=${from}`);
    expect(status).toBe(400);
    expect(body.details).toEqual({
      parameter: 'bucket',
      parameters: ['bucket', 'from', 'to'],
      buckets: 2880,
      max: 1500,
    });
    expect((await get(`/api/stats/timeline?from=${from}&bucket=5m`)).status).toBe(200);
  });
  it('honours a configured bucket cap', async () => {
    expect((await get('/api/stats/timeline', { maxTimelineBuckets: 59 })).status).toBe(400);
  });
  it.each([
    ['bucket=2m', 'bucket'],
    ['from=2030-01-01', 'from'],
    [`from=${minutesBeforeNow(-5)}`, 'from'],
    ['limit=5', 'limit'],
    ['from=0000-01-01T00:00:00Z', 'from'],
    // Near year 0 the default `from` (an hour before `to`) would be a negative year: `to` is refused first.
    ['to=0001-01-01T00:30:00Z', 'to'],
    // A valid `to` whose default `from` falls before 1970: the 400 names the default that cannot be.
    ['to=1970-01-01T00:30:00Z', 'from'],
  ])('answers 400 for %s', async (query, parameter) => {
    const { status, body } = await get(`/api/stats/timeline?${query}`);
    expect(status).toBe(400);
    expect(body.details.parameter).toBe(parameter);
  });
});

describe('GET /api/services', () => {
  it('summarises per service, most alerts first', async () => {
    const { status, body } = await get('/api/services');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        service: 'payments',
        total: 2,
        open: 1,
        bySeverity: { info: 0, low: 1, medium: 0, high: 1, critical: 0 },
        lastAlertAt: minutesBeforeNow(30),
      },
      {
        service: 'search',
        total: 1,
        open: 1,
        bySeverity: { info: 0, low: 0, medium: 0, high: 1, critical: 0 },
        lastAlertAt: minutesBeforeNow(10),
      },
    ]);
  });
  it('narrows to a range', async () => {
    const { body } = await get(`/api/services?from=${minutesBeforeNow(20)}`);
    expect(body.items.map((s: { service: string }) => s.service)).toEqual(['search']);
  });
  it('answers 400 for a bad range', async () => {
    expect((await get('/api/services?to=never')).body.details.parameter).toBe('to');
    expect((await get('/api/services?from=0000-01-01T00:00:00Z')).body.details.parameter).toBe('from');
    expect((await get('/api/services?to=0000-01-01T00:00:00Z')).body.details.parameter).toBe('to');
  });
});
