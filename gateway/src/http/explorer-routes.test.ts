import type { IndexedEvent } from '@vigil/db';
import { makeAlert } from '@vigil/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import type { TestIdentity } from './testing/test-tokens.ts';

useTestDatabase();

const at = (minutesBeforeNow: number) => new Date(NOW - minutesBeforeNow * 60_000).toISOString();
let offset = 0;
const indexed = (source: IndexedEvent['source'], event: IndexedEvent['event']): IndexedEvent => ({
  source,
  partition: 0,
  offset: String(offset++),
  busTimestamp: NOW,
  event,
});

const EVENTS = [
  indexed('logs', { ts: at(50), service: 'payments', level: 'ERROR', message: 'card declined by issuer' }),
  indexed('logs', { ts: at(40), service: 'payments', level: 'INFO', message: 'payment accepted' }),
  indexed('metrics', { ts: at(30), service: 'payments', host: 'web-1', cpu: 40, latencyMs: 10 }),
  indexed('metrics', { ts: at(29), service: 'payments', host: 'web-2', cpu: 80, latencyMs: 30 }),
  indexed('security', { ts: at(20), ip: '10.0.0.9', action: 'login_failure', userId: 'u1' }),
];

const alerts = [
  makeAlert({
    id: 'r1',
    detectedAt: at(0),
    severity: 'critical',
    source: 'security',
    userId: 'u1',
    key: 'ip=10.0.0.9',
  }),
  makeAlert({
    id: 'r2',
    detectedAt: at(0),
    severity: 'high',
    source: 'logs',
    userId: 'u2',
    service: 'payments',
  }),
];

beforeAll(async () => {
  await (await openTestDatabase()).events.insertEvents(EVENTS);
});

async function get(target: string, as: TestIdentity = 'viewer') {
  const { router, store } = makeRouter({ alerts });
  // The seeded store writes its alerts on first use; the explorer reads the same database directly.
  await store.getAlert('none');
  const response = await router(request('GET', target, { as }));
  return { status: response.status, body: bodyJson(response) as Record<string, unknown> };
}

const eventTimes = (body: Record<string, unknown>) =>
  (body.items as { event: { ts: string } }[]).map((e) => e.event.ts);

describe('GET /api/events', () => {
  it('filters by source, fields, level and message words, newest first', async () => {
    expect(eventTimes((await get('/api/events?service=payments')).body)).toEqual([
      at(29),
      at(30),
      at(40),
      at(50),
    ]);
    expect(eventTimes((await get('/api/events?source=logs&level=ERROR')).body)).toEqual([at(50)]);
    expect(eventTimes((await get('/api/events?q=declin')).body)).toEqual([at(50)]);
    expect(eventTimes((await get('/api/events?host=web-1,web-2')).body)).toEqual([at(29), at(30)]);
    expect(eventTimes((await get(`/api/events?userId=u1&ip=10.0.0.9&action=login_failure`)).body)).toEqual([
      at(20),
    ]);
    expect(eventTimes((await get(`/api/events?from=${at(35)}&to=${at(25)}`)).body)).toEqual([at(29), at(30)]);
  });

  it('pages with nextCursor, and names the parameter of a bad cursor or level', async () => {
    const first = await get('/api/events?service=payments&limit=3');
    expect(eventTimes(first.body)).toEqual([at(29), at(30), at(40)]);
    const next = await get(`/api/events?service=payments&limit=3&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ nextCursor: null });
    expect(eventTimes(next.body)).toEqual([at(50)]);
    for (const target of [
      '/api/events?cursor=bogus',
      '/api/events?level=LOUD',
      `/api/events?from=${at(1)}&to=${at(2)}`,
    ]) {
      const { status, body } = await get(target);
      expect(status, target).toBe(400);
      expect(body.details, target).toHaveProperty('parameter');
    }
  });

  it('shows a scoped token only the sources its scope allows', async () => {
    expect(eventTimes((await get('/api/events', 'scoped')).body)).toEqual([at(20)]);
    expect((await get('/api/events?source=logs', 'scoped')).body).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /api/metrics/timeseries', () => {
  it('aggregates a metric per bucket over the hour before now by default', async () => {
    const { status, body } = await get('/api/metrics/timeseries?field=cpu&service=payments&bucket=15m');
    expect(status).toBe(200);
    expect(body).toMatchObject({ field: 'cpu', bucket: '15m', from: at(60), to: at(0) });
    const points = body.points as { avg: number | null; max: number | null; count: number }[];
    expect(points).toHaveLength(4);
    expect(points.find((p) => p.count > 0)).toMatchObject({ avg: 60, max: 80, count: 2 });
    const host = await get('/api/metrics/timeseries?field=latencyMs&host=web-1&bucket=1h');
    expect((host.body.points as { max: number | null }[]).map((p) => p.max)).toEqual([10]);
  });

  it('refuses an unknown field and gives a token whose scope hides metrics no points', async () => {
    expect((await get('/api/metrics/timeseries?field=disk')).status).toBe(400);
    expect((await get('/api/metrics/timeseries')).status).toBe(400);
    expect((await get('/api/metrics/timeseries?field=cpu', 'scoped')).body.points).toEqual([]);
  });
});

describe('GET /api/entities', () => {
  it('ranks entities of a kind by risk with their recent alerts, counting only what the scope allows', async () => {
    const users = await get('/api/entities?kind=user');
    expect(users.status).toBe(200);
    const ranked = users.body.items as { value: string; score: number; recentAlerts: { id: string }[] }[];
    expect(ranked.map((e) => [e.value, e.score, e.recentAlerts.map((a) => a.id)])).toEqual([
      ['u1', 16, ['r1']],
      ['u2', 8, ['r2']],
    ]);
    const scoped = (await get('/api/entities?kind=user', 'scoped')).body.items as { value: string }[];
    expect(scoped.map((e) => e.value)).toEqual(['u1']);
    const ips = (await get('/api/entities?kind=ip')).body.items as { value: string }[];
    expect(ips.map((e) => e.value)).toEqual(['10.0.0.9']);
  });

  it('refuses an unknown kind or a limit out of range', async () => {
    for (const target of ['/api/entities?kind=planet', '/api/entities', '/api/entities?kind=ip&limit=101']) {
      expect((await get(target)).status, target).toBe(400);
    }
  });
});
