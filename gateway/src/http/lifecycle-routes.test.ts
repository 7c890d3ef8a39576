import { type Alert, MAX_BULK_IDS, MAX_NOTE_LENGTH, topicNames, UnavailableError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { freshToken, freshUser, type TestCredential } from './testing/test-identities.ts';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();
const alerts: Alert[] = [
  makeAlert({ id: 'a1', detectedAt: at(1), source: 'logs' }),
  makeAlert({ id: 'a2', detectedAt: at(2), source: 'security', service: null }),
  makeAlert({ id: 'a3', detectedAt: at(3), source: 'metrics', status: 'resolved' }),
];
const ALERTS_TOPIC = topicNames().alerts;
const json = { 'content-type': 'application/json' };

type Fixture = ReturnType<typeof makeRouter>;
type Body = Record<string, unknown> & { error?: string; details?: Record<string, unknown> };

/** Sends one request through the fixture's router (the operator token unless `as` names a credential). */
async function send(
  fixture: Fixture,
  method: string,
  target: string,
  body?: unknown,
  as?: TestCredential,
): Promise<{ status: number; body: Body }> {
  const response = await fixture.router(
    request(method, target, {
      body,
      ...(as
        ? { as: 'none' as const, headers: { ...json, ...as.headers } }
        : { as: 'operator', headers: json }),
    }),
  );
  return { status: response.status, body: bodyJson(response) as Body };
}

/** The alerts published on the alerts topic, in order. */
const published = (fixture: Fixture): Alert[] =>
  fixture.bus.calls
    .filter((c) => c.topic === ALERTS_TOPIC)
    .flatMap((c) => c.messages.map((m) => JSON.parse(String(m.value)) as Alert));

const trail = async (fixture: Fixture, id: string) => {
  const { body } = await send(fixture, 'GET', `/api/alerts/${id}/activity`);
  return (body.items as { actor: string; action: string; note?: string }[]).map((e) => [
    e.action,
    e.actor,
    e.note,
  ]);
};

useTestDatabase();

describe('PATCH /api/alerts/{id}', () => {
  it.each(['acknowledged', 'resolved'] as const)(
    'sets %s with who and why, raises the revision and publishes the alert',
    async (status) => {
      const fixture = makeRouter({ alerts });
      const result = await send(fixture, 'PATCH', '/api/alerts/a1', { status, note: 'on it' });
      expect(result.status).toBe(200);
      const who = status === 'acknowledged' ? { acknowledgedBy: 'token:test operator' } : {};
      expect(result.body).toMatchObject({ id: 'a1', status, revision: 2, ...who });
      if (status === 'resolved')
        expect(result.body).toMatchObject({
          resolvedBy: 'token:test operator',
          resolvedAt: new Date(NOW).toISOString(),
        });
      expect(published(fixture)).toEqual([{ ...result.body, publishedAt: new Date(NOW).toISOString() }]);
      expect(fixture.bus.calls[0]!.messages[0]!.key).toBeNull();
      expect(await trail(fixture, 'a1')).toEqual([
        [status, 'token:test operator', 'on it'],
        ['opened', 'system', undefined],
      ]);
    },
  );

  it('records a signed-in person by username, and audits the change', async () => {
    const fixture = makeRouter({ alerts });
    const { user, credential } = await freshUser('operator');
    const result = await send(fixture, 'PATCH', '/api/alerts/a3', { status: 'open' }, credential);
    expect(result.body).toMatchObject({ status: 'open', resolvedAt: null, resolvedBy: null, revision: 2 });
    expect((await trail(fixture, 'a3'))[0]).toEqual(['reopened', user.username, undefined]);
    const audit = await send(fixture, 'GET', '/api/audit?action=alert.status&targetId=a3', undefined, {
      label: 'admin',
      kind: 'token',
      role: 'admin',
      headers: { authorization: request('GET', '/').headers.authorization! },
    });
    expect(audit.body.items).toMatchObject([
      { actor: { name: user.username }, before: { status: 'resolved' }, after: { status: 'open' } },
    ]);
  });

  it('changes and records nothing for the status the alert has, but publishes it again', async () => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'PATCH', '/api/alerts/a3', { status: 'resolved', note: 'again' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual(alerts[2]);
    expect(await trail(fixture, 'a3')).toEqual([['opened', 'system', undefined]]);
    expect(published(fixture).map((a) => [a.id, a.revision])).toEqual([['a3', 1]]);
  });

  it('answers 503 when the bus is down; the change is kept and a retry publishes it', async () => {
    const fixture = makeRouter({ alerts });
    fixture.bus.failWith(new UnavailableError('bus down'));
    expect((await send(fixture, 'PATCH', '/api/alerts/a1', { status: 'acknowledged' })).status).toBe(503);
    fixture.bus.failWith(null);
    const retry = await send(fixture, 'PATCH', '/api/alerts/a1', { status: 'acknowledged' });
    expect(retry.body).toMatchObject({ status: 'acknowledged', revision: 2 });
    expect(published(fixture).map((a) => [a.id, a.revision])).toEqual([['a1', 2]]);
  });

  it('answers 409 for a reopen while a newer episode of its rule and key is unresolved', async () => {
    const { store } = await openTestDatabase();
    const fixture = makeRouter({ alerts: [], store });
    const firing = (id: string, minute: number) => ({
      alert: makeAlert({ id, ruleId: 'metrics.latency-high', key: 'host=gw-409', detectedAt: at(minute) }),
      resolveAfterMs: 300_000,
    });
    await store.foldFirings([firing('e1', 1)]);
    await store.transition(['e1'], 'resolved', 'x');
    await store.foldFirings([firing('e2', 2)]);
    const result = await send(fixture, 'PATCH', '/api/alerts/e1', { status: 'open' });
    expect(result.status).toBe(409);
    expect(result.body).toMatchObject({ details: { id: 'e1' } });
    expect((await store.getAlert('e1'))?.status).toBe('resolved');
    expect(published(fixture)).toEqual([]);
  });

  it('answers 404 for an unknown alert and for one outside the token scope', async () => {
    const fixture = makeRouter({ alerts });
    const { credential } = await freshToken('operator', { scope: { source: ['security'] } });
    expect((await send(fixture, 'PATCH', '/api/alerts/nope', { status: 'resolved' })).status).toBe(404);
    const outside = await send(fixture, 'PATCH', '/api/alerts/a1', { status: 'resolved' }, credential);
    expect(outside).toEqual({ status: 404, body: { error: 'alert not found', details: { id: 'a1' } } });
    expect((await fixture.store.getAlert('a1'))?.status).toBe('open');
    const inside = await send(fixture, 'PATCH', '/api/alerts/a2', { status: 'resolved' }, credential);
    expect(inside.status).toBe(200);
  });

  it.each([
    ['an unknown status', { status: 'closed' }],
    ['extra fields', { status: 'resolved', title: 'rewritten' }],
    ['no status', {}],
    ['an empty note', { status: 'resolved', note: '' }],
    ['a note too long', { status: 'resolved', note: 'n'.repeat(MAX_NOTE_LENGTH + 1) }],
    ['a note that is not text', { status: 'resolved', note: 7 }],
    ['not JSON', '{"status":'],
    ['an empty body', ''],
  ])('answers 400 for %s', async (_, body) => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'PATCH', '/api/alerts/a1', body);
    expect(result.status).toBe(400);
    expect(result.body.details).toMatchObject({ parameter: 'body' });
    expect((await fixture.store.getAlert('a1'))?.status).toBe('open');
  });

  it('answers 400 for a note with U+0000, which the database would refuse', async () => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'PATCH', '/api/alerts/a1', { status: 'resolved', note: 'a\u0000b' });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(/note/);
  });
});

describe('POST /api/alerts/bulk', () => {
  it('changes each id once and reports every one, publishing those that have the status', async () => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'POST', '/api/alerts/bulk', {
      ids: ['a1', 'nope', 'a3', 'a1', 'a2'],
      status: 'resolved',
      note: 'maintenance',
    });
    expect(result.status).toBe(200);
    const items = result.body.items as { id: string; ok: boolean; outcome: string; alert?: Alert }[];
    expect(items.map((i) => [i.id, i.ok, i.outcome, i.alert?.revision])).toEqual([
      ['a1', true, 'changed', 2],
      ['nope', false, 'not_found', undefined],
      ['a3', true, 'unchanged', 1],
      ['a2', true, 'changed', 2],
    ]);
    expect(fixture.bus.calls).toHaveLength(1);
    expect(published(fixture).map((a) => [a.id, a.status])).toEqual([
      ['a1', 'resolved'],
      ['a3', 'resolved'],
      ['a2', 'resolved'],
    ]);
    expect((await trail(fixture, 'a2'))[0]).toEqual(['resolved', 'token:test operator', 'maintenance']);
  });

  it('leaves alerts outside the token scope alone, as not found', async () => {
    const fixture = makeRouter({ alerts });
    const { credential } = await freshToken('operator', { scope: { source: ['security'] } });
    const result = await send(
      fixture,
      'POST',
      '/api/alerts/bulk',
      { ids: ['a1', 'a2'], status: 'acknowledged' },
      credential,
    );
    expect((result.body.items as { outcome: string }[]).map((i) => i.outcome)).toEqual([
      'not_found',
      'changed',
    ]);
    expect((result.body.items as object[])[0]).toEqual({ id: 'a1', ok: false, outcome: 'not_found' });
    expect((await fixture.store.getAlert('a1'))?.status).toBe('open');
    expect(published(fixture).map((a) => a.id)).toEqual(['a2']);
  });

  it.each([
    ['no ids', { ids: [], status: 'resolved' }],
    [
      `more than ${MAX_BULK_IDS} ids`,
      { ids: Array.from({ length: MAX_BULK_IDS + 1 }, (_, n) => `x${n}`), status: 'resolved' },
    ],
    ['an empty id', { ids: [''], status: 'resolved' }],
    ['ids that are not a list', { ids: 'a1', status: 'resolved' }],
    ['an unknown status', { ids: ['a1'], status: 'gone' }],
    ['extra fields', { ids: ['a1'], status: 'resolved', force: true }],
  ])('answers 400 for %s', async (_, body) => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'POST', '/api/alerts/bulk', body);
    expect(result.status).toBe(400);
    expect(result.body.details).toMatchObject({ parameter: 'body' });
    expect(fixture.bus.calls).toEqual([]);
  });

  it(`takes ${MAX_BULK_IDS} ids`, async () => {
    const fixture = makeRouter({ alerts });
    const ids = ['a1', ...Array.from({ length: MAX_BULK_IDS - 1 }, (_, n) => `x${n}`)];
    const result = await send(fixture, 'POST', '/api/alerts/bulk', { ids, status: 'acknowledged' });
    expect(result.status).toBe(200);
    expect((result.body.items as unknown[]).length).toBe(MAX_BULK_IDS);
  });
});

describe('POST /api/alerts/{id}/comments', () => {
  it('adds to the trail and leaves the alert, its revision and the bus alone', async () => {
    const fixture = makeRouter({ alerts });
    const result = await send(fixture, 'POST', '/api/alerts/a1/comments', { note: 'web-1 restarted' });
    expect(result).toEqual({
      status: 201,
      body: {
        at: new Date(NOW).toISOString(),
        actor: 'token:test operator',
        action: 'commented',
        note: 'web-1 restarted',
      },
    });
    expect(await fixture.store.getAlert('a1')).toEqual(alerts[0]);
    expect(fixture.bus.calls).toEqual([]);
    expect(await trail(fixture, 'a1')).toEqual([
      ['commented', 'token:test operator', 'web-1 restarted'],
      ['opened', 'system', undefined],
    ]);
  });

  it('answers 404 for an unknown alert or one outside the scope, 400 for a bad note', async () => {
    const fixture = makeRouter({ alerts });
    const { credential } = await freshToken('operator', { scope: { source: ['security'] } });
    expect((await send(fixture, 'POST', '/api/alerts/nope/comments', { note: 'x' })).status).toBe(404);
    expect((await send(fixture, 'POST', '/api/alerts/a1/comments', { note: 'x' }, credential)).status).toBe(
      404,
    );
    for (const body of [{}, { note: '' }, { note: 'x', extra: 1 }, { note: 'n'.repeat(MAX_NOTE_LENGTH + 1) }])
      expect((await send(fixture, 'POST', '/api/alerts/a1/comments', body)).status).toBe(400);
    expect(await trail(fixture, 'a1')).toEqual([['opened', 'system', undefined]]);
  });
});

describe('GET /api/alerts/{id}/activity', () => {
  it('pages the trail newest first with limit and cursor', async () => {
    const fixture = makeRouter({ alerts });
    await send(fixture, 'PATCH', '/api/alerts/a1', { status: 'acknowledged' });
    await send(fixture, 'POST', '/api/alerts/a1/comments', { note: 'first' });
    const first = await send(fixture, 'GET', '/api/alerts/a1/activity?limit=2');
    expect((first.body.items as { action: string }[]).map((e) => e.action)).toEqual([
      'commented',
      'acknowledged',
    ]);
    const cursor = first.body.nextCursor as string;
    const second = await send(fixture, 'GET', `/api/alerts/a1/activity?limit=2&cursor=${cursor}`);
    expect(second.body).toEqual({
      items: [{ at: alerts[0]!.detectedAt, actor: 'system', action: 'opened' }],
      nextCursor: null,
    });
  });

  it('answers 404 outside the scope and 400 for a bad limit or cursor', async () => {
    const fixture = makeRouter({ alerts });
    const { credential } = await freshToken('viewer', { scope: { source: ['security'] } });
    expect((await send(fixture, 'GET', '/api/alerts/a1/activity', undefined, credential)).status).toBe(404);
    expect((await send(fixture, 'GET', '/api/alerts/a2/activity', undefined, credential)).status).toBe(200);
    for (const query of ['limit=0', 'limit=201', 'cursor=junk', 'since=1'])
      expect((await send(fixture, 'GET', `/api/alerts/a1/activity?${query}`)).status, query).toBe(400);
  });
});
