import { makeAlert } from '@vigil/db/testing';
import type { HttpRequest } from '../http-types.ts';
import { request } from './request.ts';
import { NOW } from './router-fixture.ts';
import { testSilences } from './test-alert-store.ts';
import {
  freshLike,
  freshSignInLink,
  freshToken,
  freshUser,
  type TestCredential,
  uniqueName,
} from './test-identities.ts';
import { testNotificationStore } from './test-notifications.ts';
import { exampleRule, storedExampleRule } from './test-rule-store.ts';

/** A webhook channel body for the examples (a loopback URL nobody answers: the examples never send). */
export const exampleChannel = () => ({
  name: uniqueName('ops-webhook'),
  type: 'webhook' as const,
  config: { url: 'http://127.0.0.1:9/hook', secret: 'hmac-key', headers: { Authorization: 'Bearer t' } },
});
/** A fresh channel (by the test fixture) for the examples that read, change, test or delete one. */
export const exampleChannelId = async () =>
  (await testNotificationStore().createChannel(exampleChannel(), 'example')).id;
/** A policy body sending everything high and above to a fresh channel. */
export const examplePolicy = async () => ({
  routes: [{ matchers: { minSeverity: 'high' }, channels: [await exampleChannelId()], groupBy: ['ruleId'] }],
});

/** A silence body for the examples: it matches the example alert, and ends in an hour. */
export const exampleSilence = (now = Date.now()) => ({
  matchers: { ruleId: EXAMPLE_ALERT_RULE, key: 'service=payments' },
  endsAt: new Date(now + 3_600_000).toISOString(),
  comment: 'payments deploy',
});
const EXAMPLE_ALERT_RULE = 'logs.error-spike';

/** The alert the examples read and change: seed it into the router's store. */
export const EXAMPLE_ALERT = makeAlert({ id: 'a1', detectedAt: '2030-01-01T11:30:00.000Z' });

const log = { ts: '2030-01-01T00:00:00Z', service: 'payments', level: 'ERROR', message: 'failed' };
export const EXAMPLE_PASSWORD = 'correct horse battery';

export interface OperationExample {
  request: HttpRequest;
  /**
   * What the operation answers when the permission lets the caller in but the operation does not apply to
   * it; absent: a 2xx or 3xx. Each use says why.
   */
  allowedStatus?: number;
}

type ExampleFactory = (as: TestCredential) => Promise<OperationExample>;

/** A request carrying exactly `as`'s credentials (request() would add the admin token otherwise). */
const send = (
  as: TestCredential,
  method: string,
  target: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): OperationExample => ({
  request: request(method, target, {
    ...options,
    as: 'none',
    headers: { ...as.headers, ...options.headers },
  }),
});

/**
 * A request that succeeds for each documented operation, keyed `METHOD /path/{template}`, made for any
 * credential: operations that change state make their own target first (a user to delete, a token to
 * revoke, a session to end), so they can run once per credential. The route × role test and the OpenAPI
 * test take their requests from here; an operation without an entry fails both.
 */
export const OPERATION_EXAMPLES: Record<string, ExampleFactory> = {
  'POST /api/auth/login': async (as) => {
    const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
    return send(as, 'POST', '/api/auth/login', {
      body: { username: user.username, password: EXAMPLE_PASSWORD },
    });
  },
  'GET /api/auth/sign-in': async (as) => {
    const { user } = await freshUser('admin');
    const secret = await freshSignInLink(user.id);
    return send(as, 'GET', `/api/auth/sign-in?token=${encodeURIComponent(secret)}`);
  },
  // Ends the session: a fresh one, so the caller's own keeps working for the next operations.
  'POST /api/auth/logout': async (as) => send(await freshLike(as), 'POST', '/api/auth/logout'),
  'GET /api/auth/me': async (as) => send(as, 'GET', '/api/auth/me'),
  'POST /api/auth/password': async (as) => {
    const body = { newPassword: 'a brand new password' };
    // An API token has no password to change: allowed in (any credential may call it), answered 400.
    if (as.kind === 'token')
      return { ...send(as, 'POST', '/api/auth/password', { body }), allowedStatus: 400 };
    return send(await freshLike(as), 'POST', '/api/auth/password', { body });
  },
  'GET /api/users': async (as) => send(as, 'GET', '/api/users'),
  'POST /api/users': async (as) =>
    send(as, 'POST', '/api/users', {
      body: { username: uniqueName('new'), role: 'viewer', password: EXAMPLE_PASSWORD },
    }),
  'PATCH /api/users/{id}': async (as) => {
    const { user } = await freshUser('viewer');
    return send(as, 'PATCH', `/api/users/${user.id}`, { body: { role: 'operator' } });
  },
  'DELETE /api/users/{id}': async (as) => {
    const { user } = await freshUser('viewer');
    return send(as, 'DELETE', `/api/users/${user.id}`);
  },
  'GET /api/tokens': async (as) => send(as, 'GET', '/api/tokens'),
  'POST /api/tokens': async (as) =>
    send(as, 'POST', '/api/tokens', {
      body: { name: uniqueName('tool'), role: 'viewer', scope: { source: ['security'] } },
    }),
  'DELETE /api/tokens/{id}': async (as) => {
    const { token } = await freshToken('viewer');
    return send(as, 'DELETE', `/api/tokens/${token.id}`);
  },
  'GET /api/audit': async (as) => send(as, 'GET', '/api/audit?limit=5'),
  'GET /api/alerts': async (as) => send(as, 'GET', '/api/alerts?severity=high&limit=10'),
  'GET /api/alerts/{id}': async (as) => send(as, 'GET', `/api/alerts/${EXAMPLE_ALERT.id}`),
  // Its evidence is not archived in the fixture's empty archive: answered 200 with the ref `pending`.
  'GET /api/alerts/{id}/events': async (as) => send(as, 'GET', `/api/alerts/${EXAMPLE_ALERT.id}/events`),
  'PATCH /api/alerts/{id}': async (as) =>
    send(as, 'PATCH', `/api/alerts/${EXAMPLE_ALERT.id}`, {
      body: { status: 'acknowledged', note: 'looking into it' },
    }),
  'POST /api/alerts/bulk': async (as) =>
    send(as, 'POST', '/api/alerts/bulk', {
      body: { ids: [EXAMPLE_ALERT.id, 'no-such-alert'], status: 'acknowledged', note: 'mine' },
    }),
  'POST /api/alerts/{id}/comments': async (as) =>
    send(as, 'POST', `/api/alerts/${EXAMPLE_ALERT.id}/comments`, { body: { note: 'web-1 restarted' } }),
  'GET /api/alerts/{id}/activity': async (as) =>
    send(as, 'GET', `/api/alerts/${EXAMPLE_ALERT.id}/activity?limit=20`),
  'GET /api/silences': async (as) => send(as, 'GET', '/api/silences?state=active&limit=10'),
  'POST /api/silences': async (as) => send(as, 'POST', '/api/silences', { body: exampleSilence(NOW) }),
  'POST /api/silences/preview': async (as) =>
    send(as, 'POST', '/api/silences/preview', { body: exampleSilence(NOW) }),
  'GET /api/silences/{id}': async (as) => send(as, 'GET', `/api/silences/${(await exampleSilenceId()).id}`),
  'DELETE /api/silences/{id}': async (as) =>
    send(as, 'DELETE', `/api/silences/${(await exampleSilenceId()).id}`),
  'GET /api/channels': async (as) => send(as, 'GET', '/api/channels'),
  'POST /api/channels': async (as) => send(as, 'POST', '/api/channels', { body: exampleChannel() }),
  'GET /api/channels/{id}': async (as) => send(as, 'GET', `/api/channels/${await exampleChannelId()}`),
  'PUT /api/channels/{id}': async (as) =>
    send(as, 'PUT', `/api/channels/${await exampleChannelId()}`, {
      body: { ...exampleChannel(), enabled: false },
    }),
  'DELETE /api/channels/{id}': async (as) => send(as, 'DELETE', `/api/channels/${await exampleChannelId()}`),
  // The fixture's tester answers for the receiver (notifier-channel-tester.ts sends for real).
  'POST /api/channels/{id}/test': async (as) =>
    send(as, 'POST', `/api/channels/${await exampleChannelId()}/test`),
  'GET /api/notification-policy': async (as) => send(as, 'GET', '/api/notification-policy'),
  'PUT /api/notification-policy': async (as) =>
    send(as, 'PUT', '/api/notification-policy', { body: await examplePolicy() }),
  'GET /api/alerts/{id}/routes': async (as) => send(as, 'GET', `/api/alerts/${EXAMPLE_ALERT.id}/routes`),
  'GET /api/notifications': async (as) =>
    send(as, 'GET', `/api/notifications?alertId=${EXAMPLE_ALERT.id}&status=sent&limit=10`),
  'GET /api/stats/summary': async (as) => send(as, 'GET', '/api/stats/summary'),
  'GET /api/stats/timeline': async (as) => send(as, 'GET', '/api/stats/timeline?bucket=5m'),
  'GET /api/services': async (as) => send(as, 'GET', '/api/services'),
  'GET /api/events': async (as) => send(as, 'GET', '/api/events?source=logs&level=ERROR&q=fail&limit=10'),
  'GET /api/metrics/timeseries': async (as) =>
    send(as, 'GET', '/api/metrics/timeseries?field=cpu&service=payments&bucket=5m'),
  'GET /api/entities': async (as) => send(as, 'GET', '/api/entities?kind=user&limit=5'),
  // The 200 and its headers; the transport would then open the stream (tail/event-tail.test.ts follows it).
  'GET /api/stream/events': async (as) =>
    send(as, 'GET', '/api/stream/events?source=logs&level=ERROR&service=payments&q=fail'),
  'POST /api/events/{source}': async (as) =>
    send(as, 'POST', '/api/events/logs', {
      body: `${JSON.stringify(log)}\n${JSON.stringify(log)}`,
      headers: { 'content-type': 'application/x-ndjson' },
    }),
  'GET /api/rules': async (as) => send(as, 'GET', '/api/rules'),
  'GET /api/rules/{id}': async (as) => send(as, 'GET', `/api/rules/${await storedExampleRule()}`),
  // Replaces a rule (200); creating one answers 201 (openapi.test.ts has that example).
  'PUT /api/rules/{id}': async (as) => {
    const id = await storedExampleRule();
    return send(as, 'PUT', `/api/rules/${id}`, { body: exampleRule(id, 10) });
  },
  'PATCH /api/rules/{id}': async (as) =>
    send(as, 'PATCH', `/api/rules/${await storedExampleRule()}`, { body: { enabled: false } }),
  'DELETE /api/rules/{id}': async (as) => send(as, 'DELETE', `/api/rules/${await storedExampleRule()}`),
  'GET /api/rules/{id}/versions': async (as) =>
    send(as, 'GET', `/api/rules/${await storedExampleRule()}/versions`),
  'GET /api/rules/export': async (as) => send(as, 'GET', '/api/rules/export'),
  // A dry run: the shared store's set stays as the other examples left it.
  'POST /api/rules/import': async (as) =>
    send(as, 'POST', '/api/rules/import?dryRun=true', { body: { version: 1, rules: [exampleRule()] } }),
  'POST /api/rules/backtest': async (as) =>
    send(as, 'POST', '/api/rules/backtest', {
      body: { rule: exampleRule(), from: '2030-01-01T00:00:00Z', to: '2030-01-01T01:00:00Z' },
    }),
  'GET /api/health': async (as) => send(as, 'GET', '/api/health'),
  'GET /metrics': async (as) => send(as, 'GET', '/metrics'),
  'GET /api/openapi.json': async (as) => send(as, 'GET', '/api/openapi.json'),
};

/** A fresh silence (by the test fixture, not the caller) for the examples that read or expire one. */
const exampleSilenceId = async () =>
  (
    await testSilences().create(
      { ...exampleSilence(NOW), startsAt: new Date(NOW).toISOString() },
      'example',
      NOW,
    )
  ).silence;
