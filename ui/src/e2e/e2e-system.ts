import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Embedded, startEmbedded } from '@vigil/app';
import type { Alert } from '@vigil/core';
import pino from 'pino';

/** The dashboard build the e2e project's global setup writes (build-global-setup.ts). */
export const BUILD_DIR = fileURLToPath(new URL('../../build', import.meta.url));

/** The admin every e2e system starts with (VIGIL_ADMIN_PASSWORD); other users are made through the API. */
export const E2E_ADMIN = { username: 'admin', password: 'e2e-admin-password-1' } as const;
/** An admin API token (VIGIL_ADMIN_TOKEN) for the test's own REST calls: posting events, listing alerts. */
export const E2E_ADMIN_TOKEN = `e2e-admin-token-${'x'.repeat(32)}`;

/**
 * The whole system in this process, serving ui/build; no simulator, so every alert comes from the test.
 * `firstRun`: neither admin variable, as a first `npm start` (the system answers a one-time sign-in URL).
 */
export function startSystem(options: { dataDir: string; firstRun?: boolean }): Promise<Embedded> {
  return startEmbedded({
    port: 0,
    dataDir: options.dataDir,
    auth: options.firstRun
      ? {}
      : { VIGIL_ADMIN_PASSWORD: E2E_ADMIN.password, VIGIL_ADMIN_TOKEN: E2E_ADMIN_TOKEN },
    simulatorRate: 0,
    staticDir: BUILD_DIR,
    processMetrics: false,
    logger: pino({ level: 'silent' }),
    // The system under test cannot go on: say so where the test output shows it.
    onFatal: (err) => console.error('embedded system failed', err),
  });
}

const now = () => new Date().toISOString();
const uid = () => randomUUID().slice(0, 8);

/**
 * Metric samples over 1000 ms latency: each fires `metrics.latency-high` (medium) for `service`. The rule is
 * keyed by host and firings of one key fold into its open episode, so each sample has a host of its own
 * (`<service>-host-<i>`) and opens an alert of its own; sample i of a later call for the same service lands
 * on the same host and folds into that alert (occurrences + 1) while it is open.
 */
export const slowSamples = (service: string, count: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: count }, (_, i) => ({
    id: `e2e-${service}-${uid()}-${i}`,
    ts: now(),
    service,
    host: `${service}-host-${i}`,
    cpu: 40,
    latencyMs: 1500 + i,
    ...extra,
  }));

/** A mixed set for screenshots: every source, most severities. */
export function varietyEvents(): Record<'logs' | 'metrics' | 'transactions' | 'security', unknown[]> {
  const services = ['checkout', 'payments', 'search', 'inventory', 'auth'];
  return {
    metrics: services.flatMap((s, i) => slowSamples(s, 6 - i, i === 1 ? { cpu: 95 } : {})),
    logs: services.map((service, i) => ({
      id: `e2e-log-${uid()}-${i}`,
      ts: now(),
      service,
      level: 'ERROR',
      message: `request to ${service} failed: upstream timeout`,
      userId: `u-${100 + i}`,
    })),
    transactions: [0, 1, 2].map((i) => ({
      id: `e2e-tx-${uid()}-${i}`,
      ts: now(),
      userId: `u-${200 + i}`,
      amount: 25_000 + i,
      currency: 'EUR',
      country: 'DE',
    })),
    security: [0, 1].map((i) => ({
      id: `e2e-sec-${uid()}-${i}`,
      ts: now(),
      ip: `10.0.0.${i + 1}`,
      action: 'unauthorized_access',
      userId: `u-${300 + i}`,
      resource: '/admin',
    })),
  };
}

/** The REST calls the tests make themselves, authenticated by an API token. */
export function e2eApi(baseUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    /** POST /api/events/{source}; throws unless every event was accepted. */
    async postEvents(source: string, events: unknown[]): Promise<void> {
      const response = await fetch(`${baseUrl}/api/events/${source}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(events),
      });
      const body = (await response.json()) as { accepted?: number; rejected?: unknown[] };
      if (response.status !== 202 || body.accepted !== events.length) {
        throw new Error(`ingest ${source}: ${response.status} ${JSON.stringify(body)}`);
      }
    },
    /** GET /api/alerts with the given filters (one page). */
    async listAlerts(params: Record<string, string>): Promise<Alert[]> {
      const response = await fetch(`${baseUrl}/api/alerts?${new URLSearchParams(params)}`, { headers });
      if (!response.ok) throw new Error(`GET /api/alerts: ${response.status}`);
      return ((await response.json()) as { items: Alert[] }).items;
    },
    /** GET /api/events with the given filters (one page): what the indexer has stored so far. */
    async listEvents(
      params: Record<string, string>,
    ): Promise<{ id: string; event: Record<string, unknown> }[]> {
      const response = await fetch(`${baseUrl}/api/events?${new URLSearchParams(params)}`, { headers });
      if (!response.ok) throw new Error(`GET /api/events: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { items: { id: string; event: Record<string, unknown> }[] }).items;
    },
    /** POST /api/users; answers the new user's id. */
    async createUser(user: { username: string; role: string; password: string }): Promise<string> {
      const response = await fetch(`${baseUrl}/api/users`, {
        method: 'POST',
        headers,
        body: JSON.stringify(user),
      });
      if (response.status !== 201)
        throw new Error(`create user: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    /** PATCH /api/users/{id} {"disabled": true}: the user's sessions end. */
    async disableUser(id: string): Promise<void> {
      const response = await fetch(`${baseUrl}/api/users/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ disabled: true }),
      });
      if (response.status !== 200)
        throw new Error(`disable user: ${response.status} ${await response.text()}`);
    },
  };
}
