import { REDACTED } from '@vigil/core/notifications';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { exampleChannel } from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';
import { freshToken } from './testing/test-identities.ts';
import { testNotificationStore, testNotifications } from './testing/test-notifications.ts';

type Body = Record<string, unknown> & { error?: string; details?: { problems?: { field: string }[] } };
const ALERT = makeAlert({ id: 'n1', ruleId: 'logs.error-spike', severity: 'high', source: 'logs' });

async function send(method: string, target: string, body?: unknown, headers?: Record<string, string>) {
  const fixture = makeRouter({ alerts: [ALERT] });
  const response = await fixture.router(request(method, target, { body, headers }));
  return { status: response.status, body: (response.body.length ? bodyJson(response) : {}) as Body };
}
/** A test message to a channel whose one attempt failed, as the notifier records it. */
async function failedTestMessage(channelId: string, statusCode: number, error: string, durationMs = 1) {
  const store = testNotificationStore();
  const now = Date.now();
  const claimed = await store.createTestNotification({ channelId, owner: 't', now, leaseMs: 60_000 });
  if (!claimed) throw new Error(`no channel ${channelId}`);
  const attempt = { id: claimed.id, owner: 't', at: now, durationMs, statusCode, error };
  await store.completeAttempt({ ...attempt, outcome: 'failed' });
}
const fields = (body: Body) => (body.details?.problems ?? []).map((p) => p.field);

useTestDatabase();

describe('channels', () => {
  it('creates a channel and reads it back with its secrets redacted, and its health', async () => {
    const created = await send('POST', '/api/channels', exampleChannel());
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual({
      url: 'http://127.0.0.1:9/hook',
      secret: REDACTED,
      headers: { Authorization: REDACTED },
    });
    const id = String(created.body.id);
    const read = await send('GET', `/api/channels/${id}`);
    expect(read.body).toMatchObject({ id, type: 'webhook', enabled: true, updatedBy: 'token:test admin' });
    const list = await send('GET', '/api/channels');
    const item = (list.body.items as Body[]).find((c) => c.id === id);
    expect(item?.health).toMatchObject({ failing: false, failuresSinceSuccess: 0, queued: 0 });
  });

  it('answers 400 with every problem by field', async () => {
    const bad = await send('POST', '/api/channels', {
      name: '',
      type: 'email',
      config: { host: 'smtp', to: ['x'] },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(expect.arrayContaining(['name', 'config.from', 'config.to[0]']));
    expect((await send('POST', '/api/channels', '{not json')).status).toBe(400);
  });

  it('keeps a stored secret that a PUT sends back redacted, and replaces one sent anew', async () => {
    const created = await send('POST', '/api/channels', exampleChannel());
    const id = String(created.body.id);
    const { id: _, createdAt, updatedAt, updatedBy, health, ...asRead } = created.body;
    const renamed = await send('PUT', `/api/channels/${id}`, { ...asRead, name: 'renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'renamed', config: { secret: REDACTED } });
    const stored = await testNotificationStore().channelForSending(id);
    expect(stored?.config).toMatchObject({ secret: 'hmac-key', headers: { Authorization: 'Bearer t' } });
    const config = { ...(asRead.config as object), secret: 'new-key' };
    await send('PUT', `/api/channels/${id}`, { ...asRead, config });
    expect((await testNotificationStore().channelForSending(id))?.config).toMatchObject({
      secret: 'new-key',
    });
    expect((await send('PUT', '/api/channels/none', exampleChannel())).status).toBe(404);
  });

  it('refuses to delete a channel the policy sends to (409), then deletes it once unused', async () => {
    const id = String((await send('POST', '/api/channels', exampleChannel())).body.id);
    expect((await send('PUT', '/api/notification-policy', { routes: [{ channels: [id] }] })).status).toBe(
      200,
    );
    const refused = await send('DELETE', `/api/channels/${id}`);
    expect(refused.status).toBe(409);
    expect(fields(refused.body)).toEqual(['routes[0].channels']);
    await send('PUT', '/api/notification-policy', { routes: [] });
    expect((await send('DELETE', `/api/channels/${id}`)).status).toBe(204);
    expect((await send('GET', `/api/channels/${id}`)).status).toBe(404);
  });

  it("answers a test with the receiver's answer, and 404 for an unknown channel", async () => {
    const id = String((await send('POST', '/api/channels', exampleChannel())).body.id);
    const tested = await send('POST', `/api/channels/${id}/test`);
    expect(tested).toEqual({
      status: 200,
      body: {
        channelId: id,
        channelType: 'webhook',
        outcome: 'sent',
        ok: true,
        statusCode: 200,
        response: 'ok',
        durationMs: 3,
      },
    });
    expect((await send('POST', '/api/channels/none/test')).status).toBe(404);
  });

  it('is admin only, reads included (a config names hosts and addresses)', async () => {
    const operator = (await freshToken('operator')).credential.headers;
    expect(
      (await makeRouter().router(request('GET', '/api/channels', { as: 'none', headers: operator }))).status,
    ).toBe(403);
  });
});

describe('notification policy', () => {
  it('stores a valid policy with defaults filled in and a new version', async () => {
    const id = String((await send('POST', '/api/channels', exampleChannel())).body.id);
    const put = await send('PUT', '/api/notification-policy', {
      routes: [{ matchers: { minSeverity: 'high' }, channels: [id] }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      updatedBy: 'token:test admin',
      routes: [
        { channels: [id], groupBy: ['ruleId'], groupWaitMs: 30_000, sendResolved: true, continue: false },
      ],
    });
    const got = await send('GET', '/api/notification-policy');
    expect(got.body.version).toBe(put.body.version);
  });

  it('answers 400 listing every problem by field, unknown channels included', async () => {
    const bad = await send('PUT', '/api/notification-policy', {
      routes: [{ channels: ['no-such-channel'], groupWaitMs: -1, matchers: { severity: ['urgent'] } }],
    });
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(
      expect.arrayContaining(['routes[0].groupWaitMs', 'routes[0].matchers.severity[0]']),
    );
  });

  it('previews the channels an alert would go to, in route order', async () => {
    const a = String((await send('POST', '/api/channels', exampleChannel())).body.id);
    const b = String((await send('POST', '/api/channels', exampleChannel())).body.id);
    await send('PUT', '/api/notification-policy', {
      routes: [
        { matchers: { source: ['metrics'] }, channels: [b] },
        { matchers: { minSeverity: 'medium' }, channels: [a], continue: true, groupBy: ['ruleId', 'key'] },
        { channels: [b, a] },
      ],
    });
    const preview = await send('GET', `/api/alerts/${ALERT.id}/routes`);
    expect(preview.status).toBe(200);
    expect((preview.body.routes as Body[]).map((r) => r.routeIndex)).toEqual([1, 2]);
    expect((preview.body.channels as Body[]).map((c) => c.id)).toEqual([a, b]);
    expect(preview.body.silenced).toBe(false);
    expect((await send('GET', '/api/alerts/none/routes')).status).toBe(404);
    await send('PUT', '/api/notification-policy', { routes: [] });
  });
});

describe('GET /api/notifications', () => {
  it('lists test messages with every attempt and the channel name, filtered by channel', async () => {
    const created = await send('POST', '/api/channels', exampleChannel());
    const id = String(created.body.id);
    await failedTestMessage(id, 500, 'boom', 12);
    const log = await send('GET', `/api/notifications?channelId=${id}`);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        channelId: id,
        channelName: created.body.name,
        kind: 'test',
        status: 'failed',
        attempts: [
          expect.objectContaining({ outcome: 'failed', statusCode: 500, error: 'boom', durationMs: 12 }),
        ],
      }),
    ]);
    expect((await send('GET', '/api/notifications?status=lost')).status).toBe(400);
  });
});

describe('GET /api/health', () => {
  it('lists failing channels without changing the status', async () => {
    const created = await send('POST', '/api/channels', exampleChannel());
    const id = String(created.body.id);
    for (let i = 0; i < 3; i++) await failedTestMessage(id, 503, 'down');
    const health = await send('GET', '/api/health', undefined, {});
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const failing = (health.body.notifications as { failingChannels: Body[] }).failingChannels;
    expect(failing).toContainEqual(expect.objectContaining({ id, type: 'webhook', failuresSinceSuccess: 3 }));
    expect(JSON.stringify(health.body)).not.toContain('down');
  });
});

describe('GET /api/health when the channels cannot be read', () => {
  it('says why, and the status is the probes’ alone', async () => {
    const notifications = testNotifications();
    const down = async (): Promise<never> => {
      throw new Error('database down');
    };
    const { router } = makeRouter({
      notifications: { ...notifications, store: { ...notifications.store, channelHealth: down } },
    });
    const response = await router(request('GET', '/api/health'));
    expect(response.status).toBe(200);
    expect(bodyJson(response)).toMatchObject({
      status: 'ok',
      notifications: { failingChannels: null, error: 'database down' },
    });
  });
});
