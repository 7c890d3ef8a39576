import { makeAlert } from '@vigil/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { uniqueName } from './testing/test-identities.ts';

useTestDatabase();

const { router } = makeRouter({ alerts: [makeAlert({ id: 'a1', status: 'open' })] });
// biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field
const get = async (query: string): Promise<any> =>
  bodyJson(await router(request('GET', `/api/audit?${query}`)));

/** Five entries by one actor, a minute apart, alternating outcome: what the filters and pages are checked on. */
const actor = uniqueName('auditor');
beforeAll(async () => {
  const { audit } = await openTestDatabase();
  for (let i = 0; i < 5; i += 1) {
    await audit.record({
      at: new Date(Date.UTC(2030, 0, 1, 10, i)),
      actor: { kind: 'user', id: `u-${actor}`, name: actor },
      action: i % 2 === 0 ? 'user.update' : 'token.create',
      target: { type: i % 2 === 0 ? 'user' : 'token', id: `t${i}` },
      ip: '10.9.0.1',
      requestId: `r${i}`,
      before: null,
      after: { n: i },
      outcome: i === 4 ? 'failure' : 'success',
    });
  }
});

describe('GET /api/audit (admin)', () => {
  it('records an alert status change with actor, ip, request id, before and after', async () => {
    const patch = await router(
      request('PATCH', '/api/alerts/a1', {
        as: 'operator',
        body: { status: 'acknowledged' },
        headers: { 'x-request-id': 'ack-1' },
      }),
    );
    expect(patch.status).toBe(200);
    const { items } = await get('action=alert.status&targetId=a1');
    expect(items[0]).toMatchObject({
      actor: { kind: 'token', name: 'test operator' },
      target: { type: 'alert', id: 'a1' },
      ip: '127.0.0.1',
      requestId: 'ack-1',
      before: { status: 'open' },
      after: { status: 'acknowledged' },
      outcome: 'success',
      at: '2030-01-01T12:00:00.000Z',
    });
  });

  it('filters by actor, action (exact or prefix), target, outcome and time', async () => {
    const ids = (body: { items: { requestId: string }[] }) => body.items.map((e) => e.requestId);
    expect(ids(await get(`actor=${actor}`))).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    expect(ids(await get(`actor=${actor}&action=token.create`))).toEqual(['r3', 'r1']);
    expect(ids(await get(`actor=${actor}&action=user.`))).toEqual(['r4', 'r2', 'r0']);
    expect(ids(await get(`actor=${actor}&targetType=token&targetId=t3`))).toEqual(['r3']);
    expect(ids(await get(`actor=${actor}&outcome=failure`))).toEqual(['r4']);
    const range = 'from=2030-01-01T10:01:00Z&to=2030-01-01T10:03:00Z';
    expect(ids(await get(`actor=${actor}&${range}`))).toEqual(['r2', 'r1']);
  });

  it('pages newest first by cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { requestId: string }[]; nextCursor: string | null } = await get(
        `actor=${actor}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.requestId));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
  });

  it.each(['limit=0', 'limit=501', 'outcome=maybe', 'from=yesterday', 'cursor=not-a-cursor', 'sort=at'])(
    'answers 400 to %s',
    async (query) => {
      expect((await router(request('GET', `/api/audit?${query}`))).status).toBe(400);
    },
  );

  it('has no route that changes the trail', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      expect((await router(request(method, '/api/audit'))).status, method).toBe(405);
  });
});
