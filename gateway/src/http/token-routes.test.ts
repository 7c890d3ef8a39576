import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { uniqueName } from './testing/test-identities.ts';

useTestDatabase();

const security = makeAlert({
  id: 'sec1',
  source: 'security',
  ruleId: 'security.brute-force',
  service: 'auth',
  severity: 'critical',
  detectedAt: '2030-01-01T11:00:00.000Z',
});
const logs = makeAlert({
  id: 'log1',
  source: 'logs',
  service: 'payments',
  detectedAt: '2030-01-01T11:10:00.000Z',
});
const { router } = makeRouter({ alerts: [security, logs] });

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
// biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field
const json = (response: { body: string | Uint8Array }): any => bodyJson(response);

async function createToken(body: Record<string, unknown>) {
  const response = await router(
    request('POST', '/api/tokens', { body: { name: uniqueName('tool'), ...body } }),
  );
  expect(response.status).toBe(201);
  return json(response) as { id: string; secret: string; name: string };
}

describe('API tokens (admin)', () => {
  it('returns the secret once, lists the token without it, and the secret works as a Bearer token', async () => {
    const created = await createToken({ role: 'viewer', expiresAt: '2031-01-01T00:00:00Z' });
    expect(created).toMatchObject({
      role: 'viewer',
      createdBy: 'test admin',
      expiresAt: '2031-01-01T00:00:00.000Z',
      revokedAt: null,
      secret: expect.stringMatching(/^vgl_[\w-]{43}$/),
    });
    const list = await router(request('GET', '/api/tokens'));
    const listed = json(list).items.find((t: { id: string }) => t.id === created.id);
    expect(listed).toMatchObject({ id: created.id, name: created.name });
    expect(listed).not.toHaveProperty('secret');
    expect(Buffer.from(list.body).toString()).not.toContain(created.secret);
    const me = await router(request('GET', '/api/auth/me', { as: 'none', headers: bearer(created.secret) }));
    expect(json(me)).toMatchObject({ kind: 'token', id: created.id, role: 'viewer' });
    const audit = await (await openTestDatabase()).audit.list({
      action: 'token.create',
      targetId: created.id,
    });
    expect(JSON.stringify(audit.items)).not.toContain(created.secret);
    expect(audit.items[0]?.after).toMatchObject({ name: created.name, role: 'viewer' });
  });

  it('stops accepting a revoked token on this gateway at once, even just after using it', async () => {
    const created = await createToken({ role: 'operator' });
    const me = () => router(request('GET', '/api/auth/me', { as: 'none', headers: bearer(created.secret) }));
    expect((await me()).status).toBe(200);
    expect((await router(request('DELETE', `/api/tokens/${created.id}`))).status).toBe(204);
    expect((await me()).status).toBe(401);
    // Revoking again is a no-op; an unknown id is a 404.
    expect((await router(request('DELETE', `/api/tokens/${created.id}`))).status).toBe(204);
    expect((await router(request('DELETE', '/api/tokens/none'))).status).toBe(404);
    const listed = json(await router(request('GET', '/api/tokens'))).items.find(
      (t: { id: string }) => t.id === created.id,
    );
    expect(listed.revokedAt).toEqual(expect.any(String));
  });

  it.each([
    ['an expiry in the past', { role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' }],
    ['sources on a reading token', { role: 'viewer', sources: ['logs'] }],
    ['an unknown role', { role: 'root' }],
    ['an unknown source', { role: 'ingest', sources: ['tweets'] }],
  ])('answers 400 to %s', async (_, body) => {
    const response = await router(request('POST', '/api/tokens', { body: { name: uniqueName(), ...body } }));
    expect(response.status).toBe(400);
  });

  describe('a token scoped to source=security', () => {
    const asScoped = (target: string) => router(request('GET', target, { as: 'scoped' }));

    it('lists only security alerts, even when it asks for others', async () => {
      expect(json(await asScoped('/api/alerts')).items.map((a: { id: string }) => a.id)).toEqual(['sec1']);
      expect(json(await asScoped('/api/alerts?source=logs')).items).toEqual([]);
      expect(json(await asScoped('/api/alerts?source=logs&source=security')).items).toHaveLength(1);
    });

    it('gets 404 for an alert of another source, as for one that does not exist', async () => {
      expect((await asScoped('/api/alerts/sec1')).status).toBe(200);
      const other = await asScoped('/api/alerts/log1');
      expect(other.status).toBe(404);
      expect(Buffer.from(other.body).toString()).not.toContain('payments');
    });

    it('cannot change an alert outside its scope, whatever its role', async () => {
      const created = await createToken({ role: 'operator', scope: { source: ['security'] } });
      const patch = (id: string) =>
        router(
          request('PATCH', `/api/alerts/${id}`, {
            as: 'none',
            body: { status: 'resolved' },
            headers: bearer(created.secret),
          }),
        );
      expect((await patch('log1')).status).toBe(404);
      expect((await patch('sec1')).status).toBe(200);
    });

    it('counts only security alerts in the summary and the services', async () => {
      const summary = json(await asScoped('/api/stats/summary'));
      expect(summary.total).toBe(1);
      expect(summary.bySource).toMatchObject({ logs: 0, security: 1 });
      const services = json(await asScoped('/api/services')).items.map((s: { service: string }) => s.service);
      expect(services).toEqual(['auth']);
      // The unscoped admin sees both (the cache is per scope, not shared).
      expect(json(await router(request('GET', '/api/stats/summary'))).total).toBe(2);
    });
  });

  describe('an ingest token limited to logs', () => {
    const ingest = (source: string) =>
      router(
        request('POST', `/api/events/${source}`, {
          as: 'ingestLogs',
          body: [],
          headers: { 'content-type': 'application/json' },
        }),
      );

    it('posts logs, gets 403 on security events, and may not read', async () => {
      expect((await ingest('logs')).status).toBe(202);
      const refused = await ingest('security');
      expect(refused.status).toBe(403);
      expect(json(refused)).toMatchObject({ details: { source: 'security', allowed: ['logs'] } });
      expect((await router(request('GET', '/api/alerts', { as: 'ingestLogs' }))).status).toBe(403);
    });
  });
});
