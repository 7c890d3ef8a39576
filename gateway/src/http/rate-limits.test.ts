import { describe, expect, it } from 'vitest';
import type { RateLimitConfig } from '../auth/rate-limits.ts';
import { EXAMPLE_PASSWORD } from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { testAuth } from './testing/test-auth.ts';
import { freshUser } from './testing/test-identities.ts';
import type { TestIdentity } from './testing/test-tokens.ts';

useTestDatabase();

// rate-limiter-flexible counts in real time (windows of 1 s for requests, 15 min and 1 h for failed logins);
// every test makes its requests well within a window, and a fresh router (fresh limiters) per test.
const routerWith = (limits: Partial<RateLimitConfig>) =>
  makeRouter({ auth: testAuth({ now: () => NOW, rateLimits: limits }) });

const from = (ip: string, as: TestIdentity | 'none' = 'viewer', target = '/api/alerts') => ({
  ...request('GET', target, { as }),
  remoteAddress: ip,
});

describe('rate limits', () => {
  describe('REST requests', () => {
    it('answers 429 with Retry-After and RateLimit-* once an IP used its requests, and names them on every answer', async () => {
      const { router } = routerWith({ apiPerIp: 2, apiPerCredential: 100 });
      const first = await router(from('10.0.0.1'));
      expect(first.status).toBe(200);
      expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
      expect(Number(first.headers?.['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect((await router(from('10.0.0.1'))).headers?.['ratelimit-remaining']).toBe('0');
      const refused = await router(from('10.0.0.1'));
      expect(refused.status).toBe(429);
      expect(refused.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
      expect(Number(refused.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(bodyJson(refused)).toEqual({
        error: 'too many requests',
        details: { retryAfterSeconds: Number(refused.headers?.['retry-after']) },
      });
      // Another address has its own budget.
      expect((await router(from('10.0.0.2'))).status).toBe(200);
    });

    it('puts RateLimit-* on refusals after the count too (401, 403, 404)', async () => {
      const { router } = routerWith({ apiPerIp: 10, apiPerCredential: 100 });
      for (const [as, target, status] of [
        ['none', '/api/alerts', 401],
        ['viewer', '/api/users', 403],
        ['viewer', '/api/alerts/missing', 404],
      ] as const) {
        const answer = await router(from('10.0.0.9', as, target));
        expect(answer.status, target).toBe(status);
        expect(answer.headers?.['ratelimit-limit'], target).toBeDefined();
        expect(answer.headers?.['ratelimit-remaining'], target).toBeDefined();
      }
    });

    it('counts requests without credentials by IP too: a flood of 401s is refused before any lookup', async () => {
      const { router } = routerWith({ apiPerIp: 1 });
      expect((await router(from('10.0.0.3', 'none'))).status).toBe(401);
      expect((await router(from('10.0.0.3', 'none'))).status).toBe(429);
    });

    it('limits each credential on its own, whatever address it comes from', async () => {
      const { router } = routerWith({ apiPerIp: 100, apiPerCredential: 1 });
      expect((await router(from('10.0.0.4', 'viewer'))).status).toBe(200);
      expect((await router(from('10.0.0.5', 'viewer'))).status).toBe(429);
      expect((await router(from('10.0.0.4', 'operator'))).status).toBe(200);
    });

    it('counts ingest apart from reads', async () => {
      const { router } = routerWith({ apiPerIp: 100, apiPerCredential: 100, ingestPerCredential: 1 });
      const ingest = () =>
        router(
          request('POST', '/api/events/logs', {
            body: [],
            headers: { 'content-type': 'application/json' },
          }),
        );
      expect((await ingest()).status).toBe(202);
      const refused = await ingest();
      expect(refused.status).toBe(429);
      expect(refused.headers?.['ratelimit-limit']).toBe('1');
      expect((await router(request('GET', '/api/alerts'))).status).toBe(200);
    });

    it('does not count sign-in attempts against the request budget (they have their own limits)', async () => {
      const { router } = routerWith({ apiPerIp: 0 });
      const login = await router(
        request('POST', '/api/auth/login', { as: 'none', body: { username: 'nobody', password: 'x' } }),
      );
      expect(login.status).toBe(401);
    });

    it('is off when configured off: no 429, no RateLimit headers', async () => {
      const { router } = makeRouter({ auth: testAuth({ now: () => NOW, rateLimits: false }) });
      for (let i = 0; i < 5; i += 1) {
        const response = await router(from('10.0.0.6'));
        expect(response.status).toBe(200);
        expect(response.headers?.['ratelimit-limit']).toBeUndefined();
      }
    });
  });

  describe('sign-in', () => {
    const login = (
      router: ReturnType<typeof makeRouter>['router'],
      username: string,
      password: string,
      ip: string,
    ) =>
      router({
        ...request('POST', '/api/auth/login', { as: 'none', body: { username, password } }),
        remoteAddress: ip,
      });

    it('locks a username for one IP after N failures, its right password included; another IP still signs in', async () => {
      const fixture = routerWith({ loginFailuresPerUserAndIp: 3, loginSlowAfterPerUser: 100 });
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      for (let i = 0; i < 3; i += 1)
        expect((await login(fixture.router, user.username, 'wrong', '10.1.0.1')).status).toBe(401);
      const locked = await login(fixture.router, user.username, EXAMPLE_PASSWORD, '10.1.0.1');
      expect(locked.status).toBe(429);
      const retryAfter = Number(locked.headers?.['retry-after']);
      expect(retryAfter).toBeGreaterThan(800); // the 15-minute lock
      expect(retryAfter).toBeLessThanOrEqual(900);
      // The user (or anyone) from elsewhere is not locked out: an attacker cannot lock a user out for good.
      expect((await login(fixture.router, user.username, EXAMPLE_PASSWORD, '10.1.0.2')).status).toBe(200);
      // The same IP may still sign in as someone else.
      const other = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      expect((await login(fixture.router, other.user.username, EXAMPLE_PASSWORD, '10.1.0.1')).status).toBe(
        200,
      );
      const audit = await (await openTestDatabase()).audit.list({
        actorName: user.username,
        outcome: 'failure',
      });
      expect(audit.items[0]).toMatchObject({
        action: 'auth.login_failed',
        ip: '10.1.0.1',
        after: { reason: 'locked' },
      });
    });

    it('slows a username down (not locks it) once it failed from anywhere past the threshold', async () => {
      const auth = testAuth({
        now: () => NOW,
        rateLimits: { loginFailuresPerUserAndIp: 100, loginSlowAfterPerUser: 2 },
      });
      const { router } = makeRouter({ auth });
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      for (const ip of ['10.2.0.1', '10.2.0.2'])
        expect((await login(router, user.username, 'wrong', ip)).status).toBe(401);
      expect(await auth.rateLimits?.loginVerdict(user.username, '10.2.0.9')).toEqual({
        lockedForSeconds: 0,
        delayMs: 0,
      });
      expect((await login(router, user.username, 'wrong', '10.2.0.3')).status).toBe(401);
      // Any IP now waits before its answer; a fresh IP is slowed, never refused.
      expect(await auth.rateLimits?.loginVerdict(user.username, '10.2.0.9')).toEqual({
        lockedForSeconds: 0,
        delayMs: 250,
      });
      expect((await login(router, user.username, EXAMPLE_PASSWORD, '10.2.0.9')).status).toBe(200);
    });

    it('resets the username+IP count on a successful sign-in', async () => {
      const auth = testAuth({ now: () => NOW, rateLimits: { loginFailuresPerUserAndIp: 3 } });
      const { router } = makeRouter({ auth });
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      const ip = '10.3.0.1';
      for (let i = 0; i < 2; i += 1) await login(router, user.username, 'wrong', ip);
      expect((await login(router, user.username, EXAMPLE_PASSWORD, ip)).status).toBe(200);
      for (let i = 0; i < 2; i += 1)
        expect((await login(router, user.username, 'wrong', ip)).status).toBe(401);
      expect((await auth.rateLimits?.loginVerdict(user.username, ip))?.lockedForSeconds).toBe(0);
      await login(router, user.username, 'wrong', ip);
      expect((await login(router, user.username, EXAMPLE_PASSWORD, ip)).status).toBe(429);
    });

    it('locks an IP that fails too often across usernames', async () => {
      const { router } = routerWith({ loginFailuresPerIp: 2, loginSlowAfterPerUser: 100 });
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      expect((await login(router, 'guess-1', 'x', '10.4.0.1')).status).toBe(401);
      expect((await login(router, 'guess-2', 'x', '10.4.0.1')).status).toBe(401);
      const locked = await login(router, user.username, EXAMPLE_PASSWORD, '10.4.0.1');
      expect(locked.status).toBe(429);
      expect(Number(locked.headers?.['retry-after'])).toBeGreaterThan(3_000); // the hour's lock
      expect((await login(router, user.username, EXAMPLE_PASSWORD, '10.4.0.2')).status).toBe(200);
    });
  });
});
