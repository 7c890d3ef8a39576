import type { Alert } from '@vigil/core';
import { uniqueName, waitFor } from '@vigil/harness';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/authenticator.ts';
import { hashSecret, mintSecret } from '../auth/secrets.ts';
import {
  type Frame,
  refusedUpgrade,
  type TestClient,
  type UpgradeOptions,
} from '../transport/testing/ws-client.ts';
import { alertRange, memoryEnv, metricValue, publishAlerts } from './testing/live-env.ts';
import { useLiveSuite } from './testing/live-suite.ts';
import { bearer } from './testing/test-identities.ts';

const alertsOf = (frames: Frame[]) => frames.filter((f) => f.op === 'alert').map((f) => f.alert as Alert);
const sourcesOf = (client: TestClient) => [...new Set(alertsOf(client.frames).map((a) => a.source))];

/**
 * WebSocket authentication end to end: the live gateway as createGatewayService builds it, real uWS sockets,
 * the real GatewayAuth over a real database (PostgreSQL when the run has one), tokens made through the
 * identity store, alerts through the in-process bus.
 */
describe('WebSocket authentication and authorization (live gateway, real database)', () => {
  const suite = useLiveSuite(memoryEnv, 'gateway-ws-auth');
  const { start, connect } = suite;
  const withToken = (secret: string): UpgradeOptions => ({ headers: bearer(secret) });
  const subscribe = async (client: TestClient, frame: Record<string, unknown> = {}) => {
    const before = client.frames.length;
    client.send({ op: 'subscribe', ...frame });
    await client.until(
      (f) => f.slice(before).some((x) => x.op === 'subscribed' || x.op === 'error'),
      'subscribed',
    );
    return client;
  };
  const errors = (client: TestClient) => client.frames.filter((f) => f.op === 'error').map((f) => f.code);

  describe('credentials', () => {
    it('closes a socket that never authenticates with `unauthorized` and 4001 after authTimeoutMs', async () => {
      const { url } = await start({ limits: { fanout: { authTimeoutMs: 200 } } });
      const silent = await connect(url);
      expect(await silent.closed).toMatchObject({ code: 4001 });
      expect(errors(silent)).toEqual(['unauthorized']);
    });

    it('closes with 4001 a socket whose first frame is not `auth`', async () => {
      const { url } = await start();
      const eager = await connect(url);
      eager.send({ op: 'subscribe' });
      expect(await eager.closed).toMatchObject({ code: 4001 });
      expect(errors(eager)).toEqual(['unauthorized']);
    });

    it('answers a valid auth frame with `authenticated`, then subscribes and delivers', async () => {
      const { url } = await start();
      const scoped = await suite.fixture.createToken('viewer', { scope: { severity: ['high', 'critical'] } });
      const tool = await connect(url);
      tool.send({ op: 'auth', token: scoped.secret });
      await tool.until((f) => f.some((x) => x.op === 'authenticated'), 'authenticated');
      expect(tool.frames[0]).toMatchObject({
        op: 'authenticated',
        role: 'viewer',
        scope: { severity: ['high', 'critical'] },
      });
      await subscribe(tool);
      await publishAlerts(suite.env.publisher, suite.topic, alertRange(0, 10));
      await tool.until((f) => alertsOf(f).length === 4, 'the high and critical ones');
      expect(alertsOf(tool.frames).every((a) => ['high', 'critical'].includes(a.severity))).toBe(true);
    });

    it('closes with 4001 on an auth frame with an unknown token, and 4003 with an ingest token', async () => {
      const { url } = await start();
      const unknown = await connect(url);
      unknown.send({ op: 'auth', token: mintSecret('token') });
      expect(await unknown.closed).toMatchObject({ code: 4001 });
      expect(errors(unknown)).toEqual(['unauthorized']);
      const ingest = await connect(url);
      ingest.send({ op: 'auth', token: (await suite.fixture.createToken('ingest')).secret });
      expect(await ingest.closed).toMatchObject({ code: 4003 });
      expect(errors(ingest)).toEqual(['forbidden']);
    });

    it('refuses an upgrade with a bad Bearer (401) or an ingest token (403): no socket at all', async () => {
      const { url, gateway } = await start();
      expect(await refusedUpgrade(url, withToken(mintSecret('token')))).toBe(401);
      expect(await refusedUpgrade(url, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toBe(401);
      expect(await refusedUpgrade(url, withToken((await suite.fixture.createToken('ingest')).secret))).toBe(
        403,
      );
      expect(gateway.fanout.stats().connections).toBe(0);
    });

    it("authenticates the dashboard's socket by its session cookie", async () => {
      const { url } = await start();
      const user = await suite.database.identities.createUser({
        username: uniqueName('operator'),
        role: 'operator',
        passwordHash: null,
      });
      const secret = mintSecret('session');
      await suite.database.identities.createSession({
        userId: user.id,
        secretHash: hashSecret(secret),
        expiresAt: new Date(Date.now() + 3_600_000),
        ip: null,
        userAgent: null,
      });
      const browser = await connect(url, { headers: { cookie: `${SESSION_COOKIE}=${secret}` } });
      await subscribe(browser);
      expect(errors(browser)).toEqual([]);
    });
  });

  describe('token scope', () => {
    // The Done-when: a token scoped to source=security never receives another source.
    it('a token scoped to source=security gets only security alerts, whatever it subscribes to or resumes from', async () => {
      // A small ring: the early resume below is read back from the bus, the late one from the ring.
      const { url, gateway, registry } = await start({ limits: { feed: { ringMaxAlerts: 8 } } });
      const scoped = (await suite.fixture.createToken('viewer', { scope: { source: ['security'] } })).secret;
      const witness = await subscribe(await connect(url, withToken(suite.viewer)));
      const everything = await subscribe(await connect(url, withToken(scoped)));
      const logs = await subscribe(await connect(url, withToken(scoped)), { filter: { source: ['logs'] } });
      const all = await subscribe(await connect(url, withToken(scoped)), {
        filter: { source: ['logs', 'metrics', 'transactions', 'security'] },
      });
      const published = alertRange(0, 40);
      await publishAlerts(suite.env.publisher, suite.topic, published);
      await witness.until((f) => alertsOf(f).length === 40, 'the unscoped viewer gets all 40');
      const security = published.filter((a) => a.source === 'security').map((a) => a.id);
      expect(security.length).toBeGreaterThan(0);
      expect(new Set(alertsOf(witness.frames).map((a) => a.source)).size).toBe(4);
      for (const client of [everything, all]) {
        await client.until((f) => alertsOf(f).length === security.length, 'the security ones');
        expect(client.alertIds()).toEqual(security);
      }
      // Subscribed to a source outside its scope: accepted, and nothing ever arrives.
      expect(logs.frames.filter((f) => f.op === 'subscribed')).toHaveLength(1);

      // Resuming from the first alert's cursor (from the bus: the ring holds only the last 8) and from a
      // late one (from the ring), asking for everything or for logs: still only security.
      await waitFor(() => gateway.feed.window().head === 40, { message: 'the feed at the head' });
      const early = witness.frames.find((f) => f.op === 'alert')!.cursor;
      const late = witness.frames.filter((f) => f.op === 'alert')[35]!.cursor;
      const fromBus = await subscribe(await connect(url, withToken(scoped)), { since: early });
      const fromRing = await subscribe(await connect(url, withToken(scoped)), { since: late });
      const logsResume = await subscribe(await connect(url, withToken(scoped)), {
        filter: { source: ['logs'] },
        since: early,
      });
      const missedEarly = published
        .slice(1)
        .filter((a) => a.source === 'security')
        .map((a) => a.id);
      const missedLate = published
        .slice(36)
        .filter((a) => a.source === 'security')
        .map((a) => a.id);
      await fromBus.until((f) => alertsOf(f).length === missedEarly.length, 'replayed from the bus', 30_000);
      await fromRing.until((f) => alertsOf(f).length === missedLate.length, 'replayed from the ring');
      expect(fromBus.alertIds()).toEqual(missedEarly);
      expect(fromRing.alertIds()).toEqual(missedLate);
      expect(await metricValue(registry, 'vigil_ws_replays_total', { source: 'bus' })).toBe(1);
      expect(await metricValue(registry, 'vigil_ws_replays_total', { source: 'ring' })).toBe(1);

      // One more security alert, live: once every scoped socket that can see it has it, the others had
      // their chance at everything before it.
      const last = { ...published[3]!, id: 'alert-last', source: 'security' as const };
      await publishAlerts(suite.env.publisher, suite.topic, [last]);
      for (const client of [everything, all, fromBus, fromRing]) {
        await client.until((f) => f.some((x) => x.alert?.id === 'alert-last'), 'the live security alert');
      }
      for (const client of [everything, all, fromBus, fromRing])
        expect(sourcesOf(client)).toEqual(['security']);
      expect(alertsOf(logs.frames)).toEqual([]);
      expect(alertsOf(logsResume.frames)).toEqual([]);
    });
  });

  describe('revocation', () => {
    it('closes a live socket with 4011 when its token is revoked through DELETE /api/tokens/{id}', async () => {
      const { url, base } = await start();
      const token = await suite.fixture.createToken('viewer');
      const client = await subscribe(await connect(url, withToken(token.secret)));
      const response = await fetch(`${base}/api/tokens/${token.id}`, {
        method: 'DELETE',
        headers: bearer(suite.fixture.adminSecret),
      });
      expect(response.status).toBe(204);
      expect(await client.closed).toMatchObject({ code: 4011 });
      // And it cannot come back.
      expect(await refusedUpgrade(url, withToken(token.secret))).toBe(401);
    });

    it('closes with 4011 when the token is revoked in the database only (as through another gateway)', async () => {
      const { url } = await start();
      const token = await suite.fixture.createToken('viewer');
      const byHeader = await subscribe(await connect(url, withToken(token.secret)));
      const byFrame = await connect(url);
      byFrame.send({ op: 'auth', token: token.secret });
      await byFrame.until((f) => f.some((x) => x.op === 'authenticated'), 'authenticated');
      const bystander = await subscribe(await connect(url, withToken(suite.viewer)));
      await suite.fixture.revokeElsewhere(token.id);
      expect(await byHeader.closed).toMatchObject({ code: 4011 });
      expect(await byFrame.closed).toMatchObject({ code: 4011 });
      bystander.send({ op: 'ping' });
      await bystander.until((f) => f.some((x) => x.op === 'pong'), 'the bystander is still served');
    });
  });

  describe('origin and host', () => {
    it("accepts the gateway's own origin and no origin (a tool); refuses another origin (403) and a foreign Host (421)", async () => {
      const { url, base } = await start();
      const own = await connect(url, { origin: base, headers: bearer(suite.viewer) });
      await subscribe(own);
      await subscribe(await connect(url, withToken(suite.viewer)));
      expect(
        await refusedUpgrade(url, { origin: 'http://evil.example', headers: bearer(suite.viewer) }),
      ).toBe(403);
      // Cross-site WebSocket hijacking: the browser would send the victim's cookie along; the Origin decides.
      expect(await refusedUpgrade(url, { origin: 'http://evil.example' })).toBe(403);
      // DNS rebinding: a hostile name resolving to this address sends its own Host (and origin).
      const port = new URL(base).port;
      expect(
        await refusedUpgrade(url, {
          origin: `http://evil.example:${port}`,
          headers: bearer(suite.viewer, { host: `evil.example:${port}` }),
        }),
      ).toBe(421);
    });
  });

  describe('limits', () => {
    it('answers a burst of subscribes past subscribesPerSecond with `too_many_requests` and keeps the socket usable', async () => {
      const { url } = await start({ limits: { fanout: { subscribesPerSecond: 3 } } });
      const client = await connect(url, withToken(suite.viewer));
      for (let i = 0; i < 20; i += 1) client.send({ op: 'subscribe', filter: { severity: ['critical'] } });
      client.send({ op: 'ping' });
      await client.until((f) => f.some((x) => x.op === 'pong'), 'pong after the burst');
      expect(errors(client).length).toBeGreaterThan(0);
      expect(new Set(errors(client))).toEqual(new Set(['too_many_requests']));
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      // The last accepted subscription is live.
      await publishAlerts(suite.env.publisher, suite.topic, alertRange(0, 10));
      await client.until((f) => alertsOf(f).length === 2, 'the critical ones');
    });

    it('refuses the third upgrade from one address with maxPerIp 2 (429), and admits again once one closed', async () => {
      const { url, gateway } = await start({ socketCaps: { maxPerIp: 2 } });
      const first = await connect(url, withToken(suite.viewer));
      await connect(url, withToken(suite.viewer));
      expect(await refusedUpgrade(url, withToken(suite.viewer))).toBe(429);
      first.close();
      await first.closed;
      await waitFor(() => gateway.fanout.stats().connections === 1, { message: 'the server saw the close' });
      await subscribe(await connect(url, withToken(suite.viewer)));
    });

    it('refuses a second socket of one token with maxPerCredential 1 (429); another token is admitted', async () => {
      const { url } = await start({ socketCaps: { maxPerCredential: 1 } });
      await connect(url, withToken(suite.viewer));
      expect(await refusedUpgrade(url, withToken(suite.viewer))).toBe(429);
      await subscribe(await connect(url, withToken((await suite.fixture.createToken('viewer')).secret)));
    });
  });
});
