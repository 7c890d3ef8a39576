import { type Alert, type Silence, topicNames, UnavailableError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';
import { freshToken, type TestCredential } from './testing/test-identities.ts';

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const ALERTS_TOPIC = topicNames().alerts;
const json = { 'content-type': 'application/json' };

type Fixture = ReturnType<typeof makeRouter>;
type Body = Record<string, unknown> & { error?: string; details?: Record<string, unknown> };

let keys = 0;
/** An open alert of a key of its own (silences stay in the file's database between tests). */
function openAlert(): Alert {
  keys += 1;
  return makeAlert({
    id: `s${keys}`,
    ruleId: 'metrics.latency-high',
    source: 'metrics',
    severity: 'medium',
    key: `host=silence-${keys}`,
    detectedAt: iso(-HOUR),
  });
}

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

const published = (fixture: Fixture): Alert[] =>
  fixture.bus.calls
    .filter((c) => c.topic === ALERTS_TOPIC)
    .flatMap((c) => c.messages.map((m) => JSON.parse(String(m.value)) as Alert));

/** A router over exactly `alerts`, seeded now: the silence store does not seed the alert store itself. */
async function seeded(alerts: Alert[]): Promise<Fixture> {
  const fixture = makeRouter({ alerts });
  await fixture.store.getAlert('none');
  return fixture;
}

const silenceFor = (alert: Alert, overrides: Record<string, unknown> = {}) => ({
  matchers: { ruleId: alert.ruleId, key: alert.key },
  endsAt: iso(HOUR),
  comment: 'rebooting',
  ...overrides,
});

const problemFields = (body: Body) =>
  ((body.details?.problems ?? []) as { field: string }[]).map((p) => p.field);

useTestDatabase();

describe('POST /api/silences', () => {
  it('creates the silence, silences matching open alerts and publishes them', async () => {
    const alert = openAlert();
    const other = openAlert();
    const fixture = await seeded([alert, other]);
    const created = await send(fixture, 'POST', '/api/silences', silenceFor(alert));
    expect(created.status).toBe(201);
    const silence = created.body as unknown as Silence;
    expect(silence).toMatchObject({
      matchers: { ruleId: alert.ruleId, key: alert.key },
      startsAt: iso(0),
      endsAt: iso(HOUR),
      comment: 'rebooting',
      createdBy: 'token:test operator',
      createdAt: iso(0),
      expiredBy: null,
      state: 'active',
    });
    expect(published(fixture)).toEqual([
      expect.objectContaining({ id: alert.id, silencedBy: [silence.id], revision: 2, publishedAt: iso(0) }),
    ]);
    const shown = await send(fixture, 'GET', `/api/alerts/${other.id}`);
    expect(shown.body.silencedBy).toEqual([]);
    const trail = await send(fixture, 'GET', `/api/alerts/${alert.id}/activity`);
    expect(trail.body.items).toContainEqual({
      at: iso(0),
      actor: 'token:test operator',
      action: 'silenced',
      note: 'rebooting',
    });
    const audit = await send(
      fixture,
      'GET',
      `/api/audit?action=silence.create&targetId=${silence.id}`,
      undefined,
      {
        label: 'admin',
        kind: 'token',
        role: 'admin',
        headers: { authorization: request('GET', '/').headers.authorization! },
      },
    );
    expect(audit.body.items).toMatchObject([{ after: { comment: 'rebooting', silenced: 1 } }]);
  });

  it('answers 400 naming each problem by field', async () => {
    const fixture = makeRouter({ alerts: [] });
    const cases: [unknown, string[]][] = [
      [{ matchers: {}, endsAt: iso(HOUR), comment: 'x' }, ['/matchers']],
      [{ matchers: { ruleId: 'r' }, startsAt: iso(2 * HOUR), endsAt: iso(HOUR), comment: 'x' }, ['/endsAt']],
      [{ matchers: { host: 'web-1' }, endsAt: iso(HOUR), comment: 'x' }, ['/matchers/host']],
      [
        { matchers: { severity: 'urgent', source: 'apps' }, endsAt: iso(HOUR), comment: 'x' },
        ['/matchers/severity', '/matchers/source'],
      ],
      [{ matchers: { ruleId: ['a', 'b'] }, endsAt: iso(HOUR) }, ['/matchers/ruleId', '/comment']],
    ];
    for (const [body, fields] of cases) {
      const answer = await send(fixture, 'POST', '/api/silences', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.details).toMatchObject({ parameter: 'body', field: fields[0] });
      expect(problemFields(answer.body)).toEqual(expect.arrayContaining(fields));
    }
    expect((await send(fixture, 'POST', '/api/silences', '{')).body.details).toEqual({ parameter: 'body' });
    expect(published(fixture)).toEqual([]);
  });

  it('refuses a token with a scope (403): a silence applies to alerts it cannot see', async () => {
    const fixture = makeRouter({ alerts: [] });
    const { credential } = await freshToken('operator', { scope: { source: ['logs'] } });
    expect((await send(fixture, 'POST', '/api/silences', silenceFor(openAlert()), credential)).status).toBe(
      403,
    );
  });

  it('answers 503 when the bus is down; the silence is kept', async () => {
    const alert = openAlert();
    const fixture = await seeded([alert]);
    fixture.bus.failWith(new UnavailableError('bus down'));
    expect((await send(fixture, 'POST', '/api/silences', silenceFor(alert))).status).toBe(503);
    fixture.bus.failWith(null);
    const shown = await send(fixture, 'GET', `/api/alerts/${alert.id}`);
    expect(shown.body.silencedBy).toHaveLength(1);
  });
});

describe('GET /api/silences and /api/silences/{id}', () => {
  it('lists newest first by state, and reads one', async () => {
    const fixture = makeRouter({ alerts: [] });
    const pending = await send(fixture, 'POST', '/api/silences', {
      ...silenceFor(openAlert()),
      startsAt: iso(HOUR),
      endsAt: iso(2 * HOUR),
    });
    expect(pending.body.state).toBe('pending');
    const list = await send(fixture, 'GET', '/api/silences?state=pending&limit=500');
    expect((list.body.items as Silence[]).map((s) => s.id)).toContain(pending.body.id);
    expect((list.body.items as Silence[]).every((s) => s.state === 'pending')).toBe(true);
    const one = await send(fixture, 'GET', `/api/silences/${pending.body.id}`, undefined, {
      label: 'viewer',
      kind: 'token',
      role: 'viewer',
      headers: (await freshToken('viewer')).credential.headers,
    });
    expect(one.body).toEqual(pending.body);
    expect((await send(fixture, 'GET', '/api/silences/none')).status).toBe(404);
    expect((await send(fixture, 'GET', '/api/silences?state=gone')).status).toBe(400);
    const badCursor = await send(fixture, 'GET', '/api/silences?cursor=junk!');
    expect([badCursor.status, badCursor.body.details?.parameter]).toEqual([400, 'cursor']);
  });
});

describe('DELETE /api/silences/{id}', () => {
  it('expires the silence, lifts it from open alerts and publishes them; again is a no-op', async () => {
    const alert = openAlert();
    const fixture = await seeded([alert]);
    const { body: silence } = await send(fixture, 'POST', '/api/silences', silenceFor(alert));
    const expired = await send(fixture, 'DELETE', `/api/silences/${silence.id}`);
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({
      id: silence.id,
      endsAt: iso(0),
      expiredBy: 'token:test operator',
      state: 'expired',
    });
    expect(published(fixture).map((a) => [a.id, a.silencedBy, a.revision])).toEqual([
      [alert.id, [silence.id], 2],
      [alert.id, [], 3],
    ]);
    const again = await send(fixture, 'DELETE', `/api/silences/${silence.id}`);
    expect([again.status, again.body]).toEqual([200, expired.body]);
    expect(published(fixture)).toHaveLength(2);
    expect((await send(fixture, 'DELETE', '/api/silences/none')).status).toBe(404);
  });
});

describe('POST /api/silences/preview', () => {
  it('lists what the silence would have matched, storing nothing', async () => {
    const alert = openAlert();
    const fixture = await seeded([alert, openAlert()]);
    const preview = await send(fixture, 'POST', '/api/silences/preview', silenceFor(alert));
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ items: [alert], total: 1 });
    expect((await send(fixture, 'GET', '/api/silences?limit=500')).body.items).not.toContainEqual(
      expect.objectContaining({ matchers: { ruleId: alert.ruleId, key: alert.key } }),
    );
    expect((await send(fixture, 'POST', '/api/silences/preview', { matchers: {} })).status).toBe(400);
    expect(published(fixture)).toEqual([]);
  });
});
