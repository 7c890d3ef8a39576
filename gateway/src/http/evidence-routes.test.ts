import { UnavailableError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { failingArchive, tempArchive, writeBatch } from './testing/test-archive.ts';

const ts = '2030-01-01T11:58:00.000Z';
const event = { id: 'login-1', ts, ip: '10.0.0.7', action: 'unauthorized_access', userId: 'u7' };
const archive = tempArchive();
const key = await writeBatch(archive, {
  source: 'security',
  topic: 'events.security',
  partition: 1,
  firstOffset: 40,
  lines: [{ ...event, id: 'login-0' }, event],
});
const security = makeAlert({
  id: 'sec-1',
  source: 'security',
  ruleId: 'security.unauthorized-access',
  eventTime: ts,
  detectedAt: ts,
  windowStart: null,
  evidence: {
    refs: [{ topic: 'events.security', partition: 1, offset: '41' }],
    eventIds: ['login-1'],
    archiveKeys: [key],
  },
});
// makeAlert's default: a logs alert whose one ref is archived nowhere.
const logs = makeAlert({ id: 'logs-1', detectedAt: ts });

useTestDatabase();

describe('GET /api/alerts/{id}/events', () => {
  const { router } = makeRouter({ alerts: [security, logs], archive });

  it('answers the raw events behind the alert with their bus positions', async () => {
    const response = await router(request('GET', '/api/alerts/sec-1/events', { as: 'viewer' }));
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toEqual({
      items: [
        { source: 'security', topic: 'events.security', partition: 1, offset: '41', archiveKey: key, event },
      ],
      pending: [],
      unreadable: [],
      truncated: false,
    });
  });

  it('marks events not archived yet as pending', async () => {
    const response = await router(request('GET', '/api/alerts/logs-1/events'));
    expect(bodyJson(response)).toMatchObject({ items: [], pending: logs.evidence?.refs });
  });

  it('answers 404 for an unknown alert', async () => {
    const response = await router(request('GET', '/api/alerts/none/events'));
    expect(response.status).toBe(404);
    expect(bodyJson(response)).toMatchObject({ error: 'alert not found', details: { id: 'none' } });
  });

  it('answers 404 for an alert outside the token’s scope, exactly as for an unknown one', async () => {
    // The `scoped` test token sees the security source only.
    expect((await router(request('GET', '/api/alerts/logs-1/events', { as: 'scoped' }))).status).toBe(404);
    expect((await router(request('GET', '/api/alerts/sec-1/events', { as: 'scoped' }))).status).toBe(200);
  });

  it('answers 503 with retry-after when the archive is unavailable', async () => {
    const down = makeRouter({
      alerts: [security, logs],
      archive: failingArchive(new UnavailableError('archive down')),
    }).router;
    const response = await down(request('GET', '/api/alerts/sec-1/events'));
    expect(response.status).toBe(503);
    expect(response.headers?.['retry-after']).toBeDefined();
  });

  it('answers 503 on a gateway built without an archive', async () => {
    const bare = makeRouter({ alerts: [security, logs], archive: undefined }).router;
    expect((await bare(request('GET', '/api/alerts/sec-1/events'))).status).toBe(503);
  });
});

// Its own seeded store replaces the one above: last in the file (test-alert-store.ts).
describe('GET /api/alerts/{id}/events with the event store', () => {
  it('reads events still in the archiver buffer from the event store (archiveKey null), then nothing is pending', async () => {
    const buffered = makeAlert({
      id: 'logs-buffered',
      detectedAt: ts,
      evidence: {
        refs: [{ topic: 'events.logs', partition: 3, offset: '77' }],
        eventIds: [],
        archiveKeys: [],
      },
    });
    const { router: withBuffered } = makeRouter({ alerts: [security, logs, buffered], archive });
    const raw = { ts, service: 'payments', level: 'ERROR', message: 'payment failed' };
    await (await openTestDatabase()).events.insertEvents([
      { source: 'logs', partition: 3, offset: '77', busTimestamp: Date.parse(ts), event: raw },
    ]);
    const response = await withBuffered(request('GET', '/api/alerts/logs-buffered/events'));
    expect(bodyJson(response)).toEqual({
      items: [
        { source: 'logs', topic: 'events.logs', partition: 3, offset: '77', archiveKey: null, event: raw },
      ],
      pending: [],
      unreadable: [],
      truncated: false,
    });
  });
});
