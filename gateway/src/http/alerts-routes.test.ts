import type { Alert } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();
const alerts: Alert[] = [
  makeAlert({ id: 'a1', detectedAt: at(1), severity: 'low', source: 'logs', service: 'payments' }),
  makeAlert({ id: 'a2', detectedAt: at(2), severity: 'high', source: 'metrics', service: 'search' }),
  makeAlert({ id: 'a3', detectedAt: at(3), severity: 'critical', source: 'metrics', service: 'payments' }),
  makeAlert({
    id: 'a4',
    detectedAt: at(4),
    severity: 'high',
    source: 'security',
    service: null,
    userId: 'u7',
  }),
  makeAlert({
    id: 'a5',
    detectedAt: at(5),
    severity: 'medium',
    source: 'transactions',
    service: 'ledger',
    status: 'resolved',
  }),
];

interface Page {
  items: Alert[];
  nextCursor: string | null;
}

async function get(target: string) {
  const { router } = makeRouter({ alerts });
  const response = await router(request('GET', target));
  return {
    status: response.status,
    body: bodyJson(response) as Page & { error: string; details: Record<string, unknown> },
  };
}
const idsOf = (page: Page) => page.items.map((a) => a.id);

useTestDatabase();

describe('GET /api/alerts', () => {
  it('lists newest first with a null cursor on the last page', async () => {
    const { status, body } = await get('/api/alerts');
    expect(status).toBe(200);
    expect(idsOf(body)).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
    expect(body.nextCursor).toBeNull();
  });

  describe('filters', () => {
    it.each([
      ['severity=high', ['a4', 'a2']],
      ['severity=high,critical', ['a4', 'a3', 'a2']],
      ['severity=high&severity=critical', ['a4', 'a3', 'a2']],
      ['source=metrics', ['a3', 'a2']],
      ['service=payments', ['a3', 'a1']],
      ['userId=u7', ['a4']],
      ['status=resolved', ['a5']],
      ['ruleId=logs.error-spike&severity=low', ['a1']],
      [`from=${at(2)}&to=${at(4)}`, ['a3', 'a2']],
      ['q=spike', ['a5', 'a4', 'a3', 'a2', 'a1']],
      ['q=nothing-like-this', []],
      // The store's search: every word, each a word prefix ("ments" is inside "payments" but starts no word).
      ['q=pay', ['a5', 'a4', 'a3', 'a2', 'a1']],
      ['q=payments+spike', ['a5', 'a4', 'a3', 'a2', 'a1']],
      ['q=ments', []],
    ])('%s', async (query, expected) => {
      const { status, body } = await get(`/api/alerts?${query}`);
      expect(status).toBe(200);
      expect(idsOf(body)).toEqual(expected);
    });
  });

  it('pages with limit and cursor, without gaps or duplicates', async () => {
    const seen: string[] = [];
    let target = '/api/alerts?limit=2';
    for (;;) {
      const { status, body } = await get(target);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(body));
      if (!body.nextCursor) break;
      target = `/api/alerts?limit=2&cursor=${body.nextCursor}`;
    }
    expect(seen).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
  });

  describe('answers 400 naming the parameter', () => {
    it.each([
      ['severity=urgent', 'severity'],
      ['source=twitter', 'source'],
      ['status=closed', 'status'],
      ['from=yesterday', 'from'],
      ['to=2030-01-01', 'to'],
      [`from=${at(5)}&to=${at(1)}`, 'from'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['cursor=%22%22', 'cursor'],
      [`q=${'word '.repeat(50)}`, 'q'],
      ['sevrity=high', 'sevrity'],
      // What PostgreSQL refuses (year 0000, U+0000 in text): once a 500 from the store.
      ['from=0000-01-01T00:00:00Z', 'from'],
      ['to=0000-01-01T00:00:00Z', 'to'],
      ['service=%00', 'service'],
      ['ruleId=a%00', 'ruleId'],
      ['userId=%00b', 'userId'],
    ])('%s', async (query, parameter) => {
      const { status, body } = await get(`/api/alerts?${query}`);
      expect(status).toBe(400);
      expect(body.error).toEqual(expect.any(String));
      expect(body.details.parameter).toBe(parameter);
    });
  });
});

describe('GET /api/alerts/{id}', () => {
  it('answers the alert', async () => {
    const { status, body } = await get('/api/alerts/a3');
    expect(status).toBe(200);
    expect(body).toEqual(alerts[2]);
  });
  it('decodes the id', async () => {
    const odd = makeAlert({ id: 'a/b c' });
    const { router } = makeRouter({ alerts: [odd] });
    const response = await router(request('GET', '/api/alerts/a%2Fb%20c'));
    expect(bodyJson(response)).toEqual(odd);
  });
  it('answers 404 with the id for an unknown alert', async () => {
    const { status, body } = await get('/api/alerts/nope');
    expect(status).toBe(404);
    expect(body).toEqual({ error: 'alert not found', details: { id: 'nope' } });
  });
  it('answers 400 for malformed percent-encoding', async () => {
    const { status, body } = await get('/api/alerts/%E0%A4%A');
    expect(status).toBe(400);
    expect(body.details.parameter).toBe('id');
  });
  it('answers 400 for any query parameter', async () => {
    expect((await get('/api/alerts/a1?limit=1')).status).toBe(400);
  });
  it('answers 400 naming the id when it holds U+0000 (%00), which PostgreSQL cannot look up', async () => {
    const { status, body } = await get('/api/alerts/a%001');
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'id must not contain U+0000 (NUL)', details: { parameter: 'id' } });
  });
});
