import type { IdentityStore } from '@vigil/db';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NOW } from '../http/testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from '../http/testing/test-alert-store.ts';
import { freshToken, freshUser, sessionCredential } from '../http/testing/test-identities.ts';
import { TEST_SECRETS } from '../http/testing/test-tokens.ts';
import { bearerSecret, createAuthenticator, SESSION_COOKIE, sessionSecret } from './authenticator.ts';

useTestDatabase();

/** The authenticator over the file's database, a clock the test steps, and a count of lastUsedAt writes. */
async function setup(options: { cacheMs?: number; touchEveryMs?: number } = {}) {
  const real = (await openTestDatabase()).identities;
  const touches: string[] = [];
  let lookups = 0;
  const identities: IdentityStore = {
    ...real,
    findTokenBySecretHash: (hash) => {
      lookups += 1;
      return real.findTokenBySecretHash(hash);
    },
    touchToken: (id, at) => {
      touches.push(id);
      return real.touchToken(id, at);
    },
  };
  const clock = { now: NOW };
  const authenticator = createAuthenticator({
    identities,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return { authenticator, clock, touches, lookups: () => lookups, identities: real };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('authenticator', () => {
  describe('reading the headers', () => {
    it.each([
      ['Bearer abc', 'abc'],
      ['bearer abc', 'abc'],
      ['Bearer   abc  ', 'abc'],
      ['Basic dXNlcjpwYXNz', null],
      ['Bearer', null],
      ['Bearer a b', null],
    ])('bearerSecret(%j) → %j', (header, secret) => {
      expect(bearerSecret(header)).toBe(secret);
    });

    it('reads the session cookie among others, and a malformed header as none', () => {
      expect(sessionSecret(`a=1; ${SESSION_COOKIE}=vgs_x; b=2`)).toBe('vgs_x');
      expect(sessionSecret('a=1')).toBeNull();
      expect(sessionSecret(undefined)).toBeNull();
      expect(sessionSecret('=;;=%')).toBeNull();
    });
  });

  describe('which credential counts', () => {
    it('takes a valid Bearer token over a valid session cookie', async () => {
      const { authenticator } = await setup();
      const { credential } = await freshUser('admin');
      const result = await authenticator.fromHeaders({
        ...credential.headers,
        ...bearer(TEST_SECRETS.viewer),
      });
      expect(result).toMatchObject({ via: 'bearer', principal: { kind: 'token', role: 'viewer' } });
    });

    it('does not fall back to the cookie when the Bearer token is invalid: presented and wrong', async () => {
      const { authenticator } = await setup();
      const { credential } = await freshUser('admin');
      const result = await authenticator.fromHeaders({ ...credential.headers, ...bearer('vgl_unknown') });
      expect(result).toEqual({ principal: null, presented: true });
    });

    it('resolves a session cookie to its user', async () => {
      const { authenticator } = await setup();
      const { user, credential } = await freshUser('operator');
      const result = await authenticator.fromHeaders(credential.headers);
      expect(result).toMatchObject({
        via: 'cookie',
        principal: { kind: 'user', id: user.id, name: user.username, role: 'operator', scope: null },
      });
    });

    it.each([
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['an unknown token', bearer('vgl_nothing-like-it')],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a secret longer than any Vigil secret', bearer('x'.repeat(300))],
      ['an unknown session', { cookie: `${SESSION_COOKIE}=vgs_unknown` }],
    ])('answers presented:true for %s', async (_, headers) => {
      const { authenticator } = await setup();
      expect(await authenticator.fromHeaders(headers)).toEqual({ principal: null, presented: true });
    });

    it('answers presented:false with neither header (or a cookie header without the session)', async () => {
      const { authenticator } = await setup();
      expect(await authenticator.fromHeaders({})).toEqual({ principal: null, presented: false });
      expect(await authenticator.fromHeaders({ cookie: 'theme=dark' })).toEqual({
        principal: null,
        presented: false,
      });
    });

    it('reads a token sent in an `auth` frame the same way, with its own source', async () => {
      const { authenticator } = await setup();
      expect(await authenticator.fromSecret(TEST_SECRETS.scoped, 'frame')).toMatchObject({
        via: 'frame',
        principal: { role: 'viewer', scope: { source: ['security'] } },
      });
      expect(await authenticator.fromSecret('vgl_unknown', 'frame')).toEqual({
        principal: null,
        presented: true,
      });
    });
  });

  describe('the cache', () => {
    it('reuses a resolved token for cacheMs, then asks the database again', async () => {
      const { authenticator, clock, lookups } = await setup({ cacheMs: 1_000 });
      const { token, secret } = await freshToken('viewer');
      await authenticator.fromHeaders(bearer(secret));
      await authenticator.fromHeaders(bearer(secret));
      expect(lookups()).toBe(1);
      // Revoked through another gateway: this one keeps it for at most cacheMs.
      await (await openTestDatabase()).identities.revokeToken(token.id, new Date(clock.now));
      clock.now += 999;
      expect((await authenticator.fromHeaders(bearer(secret))).principal).not.toBeNull();
      clock.now += 1;
      expect(await authenticator.fromHeaders(bearer(secret))).toEqual({ principal: null, presented: true });
      expect(lookups()).toBe(2);
    });

    it('drops a credential on forget: a revocation through this gateway counts at once', async () => {
      const { authenticator, clock, identities } = await setup({ cacheMs: 60_000 });
      const { token, secret } = await freshToken('admin');
      expect((await authenticator.fromHeaders(bearer(secret))).principal).not.toBeNull();
      await identities.revokeToken(token.id, new Date(clock.now));
      authenticator.forget(token.id);
      expect(await authenticator.fromHeaders(bearer(secret))).toEqual({ principal: null, presented: true });
    });

    it('drops a session on forget (logout), keeping other credentials cached', async () => {
      const { authenticator, clock, identities, lookups } = await setup({ cacheMs: 60_000 });
      const { credential } = await freshUser('viewer');
      const { secret } = await freshToken('viewer');
      const session = await authenticator.fromHeaders(credential.headers);
      await authenticator.fromHeaders(bearer(secret));
      await identities.revokeSession(session.principal!.credentialId, new Date(clock.now));
      authenticator.forget(session.principal!.credentialId);
      expect(await authenticator.fromHeaders(credential.headers)).toEqual({
        principal: null,
        presented: true,
      });
      await authenticator.fromHeaders(bearer(secret));
      expect(lookups()).toBe(1); // the token's cache entry survived
    });
  });

  describe('forgetUser', () => {
    it("drops every cached session of the user (the store ended them), and no one else's", async () => {
      const { authenticator, clock, identities } = await setup({ cacheMs: 60_000 });
      const { user, credential } = await freshUser('admin');
      const second = await sessionCredential(user.id, 'admin');
      const bystander = await freshUser('admin');
      for (const c of [credential, second, bystander.credential])
        expect((await authenticator.fromHeaders(c.headers)).principal).not.toBeNull();
      await identities.updateUser(user.id, { role: 'viewer' }, new Date(clock.now));
      authenticator.forgetUser(user.id);
      for (const c of [credential, second])
        expect(await authenticator.fromHeaders(c.headers)).toEqual({ principal: null, presented: true });
      expect((await authenticator.fromHeaders(bystander.credential.headers)).principal).not.toBeNull();
    });
  });

  describe('expiry', () => {
    it('stops accepting a token at its expiresAt, even while cached', async () => {
      const { authenticator, clock } = await setup({ cacheMs: 60_000 });
      const { secret } = await freshToken('viewer', { expiresAt: new Date(NOW + 5_000) });
      const first = await authenticator.fromHeaders(bearer(secret));
      expect(first.principal?.expiresAt).toBe(NOW + 5_000);
      clock.now = NOW + 5_000;
      expect(await authenticator.fromHeaders(bearer(secret))).toEqual({ principal: null, presented: true });
    });

    it('never accepts a token that expired before it was first seen', async () => {
      const { authenticator } = await setup();
      const { secret } = await freshToken('viewer', { expiresAt: new Date(NOW - 1) });
      expect(await authenticator.fromHeaders(bearer(secret))).toEqual({ principal: null, presented: true });
    });

    it('stops accepting a session at its expiry', async () => {
      const { authenticator, clock } = await setup({ cacheMs: 60_000 });
      const { credential } = await freshUser('viewer');
      const first = await authenticator.fromHeaders(credential.headers);
      clock.now = first.principal!.expiresAt!;
      expect(await authenticator.fromHeaders(credential.headers)).toEqual({
        principal: null,
        presented: true,
      });
    });
  });

  describe('lastUsedAt', () => {
    it('is written at most once per touchEveryMs per token, cached or not', async () => {
      const { authenticator, clock, touches, identities } = await setup({
        cacheMs: 1_000,
        touchEveryMs: 60_000,
      });
      const { token, secret } = await freshToken('viewer');
      const use = () => authenticator.fromHeaders(bearer(secret));
      await use();
      await use();
      clock.now += 30_000; // past the cache, not past the throttle
      await use();
      expect(touches).toEqual([token.id]);
      clock.now += 30_000;
      await use();
      expect(touches).toEqual([token.id, token.id]);
      await expect
        .poll(async () => (await identities.getToken(token.id))?.lastUsedAt?.getTime())
        .toBe(clock.now);
    });

    it('is never written for sessions or unknown tokens', async () => {
      const { authenticator, touches } = await setup();
      await authenticator.fromHeaders((await freshUser('viewer')).credential.headers);
      await authenticator.fromHeaders(bearer('vgl_unknown'));
      expect(touches).toEqual([]);
    });
  });
});
