import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/authenticator.ts';
import type { HttpResponse } from './http-types.ts';
import { EXAMPLE_ALERT, EXAMPLE_PASSWORD } from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { freshSignInLink, freshUser, tokenCredential } from './testing/test-identities.ts';

useTestDatabase();

const { router } = makeRouter({ alerts: [EXAMPLE_ALERT] });

/** The `Cookie` header a browser sends back after this answer's Set-Cookie. */
const cookieOf = (response: HttpResponse) => response.headers?.['set-cookie']?.split(';')[0] ?? '';

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  router(request('POST', '/api/auth/login', { as: 'none', body: { username, password }, headers }));

/** A browser request with the session cookie; `site` is its Sec-Fetch-Site, if any. */
const withCookie = (
  method: string,
  target: string,
  cookie: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) =>
  router(
    request(method, target, { as: 'none', body: options.body, headers: { cookie, ...options.headers } }),
  );

const auditOf = async (action: string, actor: string) =>
  (await (await openTestDatabase()).audit.list({ action, actorName: actor })).items;

async function signedIn(role: 'viewer' | 'operator' | 'admin' = 'operator') {
  const { user } = await freshUser(role, { password: EXAMPLE_PASSWORD });
  const response = await login(user.username, EXAMPLE_PASSWORD);
  expect(response.status).toBe(200);
  return { user, cookie: cookieOf(response) };
}

describe('sign-in and sessions', () => {
  describe('POST /api/auth/login', () => {
    it('answers 200 with the user and sets an HttpOnly, SameSite=Strict session cookie', async () => {
      const { user } = await freshUser('operator', { password: EXAMPLE_PASSWORD });
      const response = await login(user.username.toUpperCase(), EXAMPLE_PASSWORD, {
        'x-request-id': 'login-1',
      });
      expect(response.status).toBe(200);
      expect(bodyJson(response)).toEqual({
        user: { id: user.id, username: user.username, role: 'operator' },
        expiresAt: '2030-01-02T00:00:00.000Z',
      });
      const setCookie = response.headers?.['set-cookie'] ?? '';
      expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=vgs_[\\w-]+;`));
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Strict');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).toContain('Max-Age=43200');
      expect(setCookie).not.toContain('Secure'); // plain HTTP unless configured
      expect(await auditOf('auth.login', user.username)).toMatchObject([
        { outcome: 'success', ip: '127.0.0.1', requestId: 'login-1', target: { type: 'user', id: user.id } },
      ]);
    });

    it('answers 401 to a wrong password or an unknown user alike, and audits both with ip and request id', async () => {
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      const wrong = await login(user.username, 'not the password', { 'x-request-id': 'bad-1' });
      const unknown = await login('no-such-user', EXAMPLE_PASSWORD);
      for (const response of [wrong, unknown]) {
        expect(response.status).toBe(401);
        expect(bodyJson(response)).toEqual({ error: 'invalid username or password' });
        expect(response.headers?.['set-cookie']).toBeUndefined();
      }
      expect(await auditOf('auth.login_failed', user.username)).toMatchObject([
        {
          outcome: 'failure',
          ip: '127.0.0.1',
          requestId: 'bad-1',
          actor: { kind: 'anonymous', name: user.username },
          after: { reason: 'wrong password' },
        },
      ]);
      expect((await auditOf('auth.login_failed', 'no-such-user'))[0]?.after).toEqual({
        reason: 'unknown user',
      });
    });

    it('refuses a disabled user with the same 401', async () => {
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      await (await openTestDatabase()).identities.updateUser(user.id, { disabled: true }, new Date());
      expect((await login(user.username, EXAMPLE_PASSWORD)).status).toBe(401);
    });

    it('refuses a sign-in another site starts (login CSRF)', async () => {
      const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
      const response = await login(user.username, EXAMPLE_PASSWORD, {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      });
      expect(response.status).toBe(403);
      expect(response.headers?.['set-cookie']).toBeUndefined();
    });
  });

  describe('the session cookie', () => {
    it('authenticates reads', async () => {
      const { cookie } = await signedIn('viewer');
      expect((await withCookie('GET', '/api/alerts', cookie)).status).toBe(200);
    });

    describe('on writes (CSRF)', () => {
      const patch = (cookie: string, headers: Record<string, string>) =>
        withCookie('PATCH', `/api/alerts/${EXAMPLE_ALERT.id}`, cookie, {
          body: { status: 'acknowledged' },
          headers,
        });

      it('refuses a write with neither Origin nor Sec-Fetch-Site', async () => {
        const { cookie } = await signedIn();
        const response = await patch(cookie, {});
        expect(response.status).toBe(403);
        expect(bodyJson(response)).toMatchObject({
          error: 'forbidden: cross-origin request with the session cookie',
        });
      });

      it('refuses Sec-Fetch-Site: cross-site, and a foreign Origin', async () => {
        const { cookie } = await signedIn();
        expect(
          (await patch(cookie, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).status,
        ).toBe(403);
        expect((await patch(cookie, { origin: 'https://evil.example' })).status).toBe(403);
      });

      it('lets a same-origin write through', async () => {
        const { cookie } = await signedIn();
        expect((await patch(cookie, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
        expect((await patch(cookie, { origin: 'http://127.0.0.1:8080' })).status).toBe(200);
      });

      it('asks no Origin of a Bearer token: no browser sends one by itself', async () => {
        const response = await router(
          request('PATCH', `/api/alerts/${EXAMPLE_ALERT.id}`, { as: 'operator', body: { status: 'open' } }),
        );
        expect(response.status).toBe(200);
      });
    });
  });

  describe('POST /api/auth/logout', () => {
    it('ends the session at once and clears the cookie', async () => {
      const { user, cookie } = await signedIn('viewer');
      expect((await withCookie('GET', '/api/auth/me', cookie)).status).toBe(200);
      const out = await withCookie('POST', '/api/auth/logout', cookie, {
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(out.status).toBe(204);
      expect(out.headers?.['set-cookie']).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
      expect((await withCookie('GET', '/api/auth/me', cookie)).status).toBe(401);
      expect(await auditOf('auth.logout', user.username)).toHaveLength(1);
    });
  });

  describe('GET /api/auth/me', () => {
    it('describes a signed-in user', async () => {
      const { user, cookie } = await signedIn('operator');
      expect(bodyJson(await withCookie('GET', '/api/auth/me', cookie))).toEqual({
        kind: 'user',
        id: user.id,
        name: user.username,
        role: 'operator',
        scope: null,
        sources: null,
        expiresAt: '2030-01-02T00:00:00.000Z',
        hasPassword: true,
      });
    });

    it('describes a token, scope and sources included, without hasPassword', async () => {
      const scoped = bodyJson(await router(request('GET', '/api/auth/me', { as: 'scoped' })));
      expect(scoped).toEqual({
        kind: 'token',
        id: expect.any(String),
        name: 'test scoped',
        role: 'viewer',
        scope: { source: ['security'] },
        sources: null,
        expiresAt: null,
      });
      expect(bodyJson(await router(request('GET', '/api/auth/me', { as: 'ingestLogs' })))).toMatchObject({
        role: 'ingest',
        sources: ['logs'],
      });
    });

    it('answers 401 signed out, and says whether the credentials were missing or bad', async () => {
      const none = await router(request('GET', '/api/auth/me', { as: 'none' }));
      expect(none.status).toBe(401);
      expect(bodyJson(none)).toMatchObject({ error: 'sign in first' });
      expect(none.headers?.['www-authenticate']).toBe('Bearer realm="vigil"');
      const bad = await router(
        request('GET', '/api/auth/me', { as: 'none', headers: { cookie: `${SESSION_COOKIE}=vgs_x` } }),
      );
      expect(bodyJson(bad)).toMatchObject({ error: 'credentials are expired, revoked or unknown' });
    });
  });

  describe('POST /api/auth/password', () => {
    const change = (cookie: string, body: unknown) =>
      withCookie('POST', '/api/auth/password', cookie, {
        body,
        headers: { 'sec-fetch-site': 'same-origin' },
      });

    it('changes the password with the current one, keeps this browser signed in, signs the others out', async () => {
      const { user, cookie } = await signedIn('viewer');
      const other = cookieOf(await login(user.username, EXAMPLE_PASSWORD));
      // Used first, so this gateway has it cached: the change must end it here at once all the same.
      expect((await withCookie('GET', '/api/auth/me', other)).status).toBe(200);
      const response = await change(cookie, {
        currentPassword: EXAMPLE_PASSWORD,
        newPassword: 'another long password',
      });
      expect(response.status).toBe(204);
      const renewed = cookieOf(response);
      expect(renewed).toMatch(new RegExp(`^${SESSION_COOKIE}=vgs_`));
      expect((await withCookie('GET', '/api/auth/me', renewed)).status).toBe(200);
      expect((await withCookie('GET', '/api/auth/me', other)).status).toBe(401);
      expect((await login(user.username, EXAMPLE_PASSWORD)).status).toBe(401);
      expect((await login(user.username, 'another long password')).status).toBe(200);
      expect((await auditOf('auth.password', user.username))[0]).toMatchObject({ outcome: 'success' });
    });

    it('refuses a wrong or missing current password, and a short new one, with 400', async () => {
      const { cookie } = await signedIn('viewer');
      for (const body of [
        { currentPassword: 'wrong', newPassword: 'another long password' },
        { newPassword: 'another long password' },
        { currentPassword: EXAMPLE_PASSWORD, newPassword: 'short' },
      ]) {
        const response = await change(cookie, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
      }
      expect((await withCookie('GET', '/api/auth/me', cookie)).status).toBe(200);
    });

    it('sets a first password without a current one (the first-run admin)', async () => {
      const { credential } = await freshUser('admin');
      const response = await router(
        request('POST', '/api/auth/password', {
          as: 'none',
          body: { newPassword: 'the first password' },
          headers: credential.headers,
        }),
      );
      expect(response.status).toBe(204);
      expect(bodyJson(await withCookie('GET', '/api/auth/me', cookieOf(response)))).toMatchObject({
        hasPassword: true,
      });
    });

    it('answers 400 to a token: it has no password', async () => {
      const response = await router(
        request('POST', '/api/auth/password', {
          body: { newPassword: 'a long new password' },
          headers: tokenCredential('admin').headers,
        }),
      );
      expect(response.status).toBe(400);
    });
  });

  describe('GET /api/auth/sign-in (the one-time link)', () => {
    it('signs the browser in once and redirects to the dashboard; a second use redirects to /login?error=link', async () => {
      const { user } = await freshUser('admin');
      const secret = await freshSignInLink(user.id);
      const open = (id: string) =>
        router(
          request('GET', `/api/auth/sign-in?token=${encodeURIComponent(secret)}`, {
            as: 'none',
            headers: { 'x-request-id': id },
          }),
        );
      const first = await open('link-1');
      expect(first.status).toBe(303);
      expect(first.headers?.location).toBe('/');
      expect(bodyJson(await withCookie('GET', '/api/auth/me', cookieOf(first)))).toMatchObject({
        id: user.id,
        role: 'admin',
        hasPassword: false,
      });
      const second = await open('link-2');
      expect(second.status).toBe(303);
      expect(second.headers?.location).toBe('/login?error=link');
      expect(second.headers?.['set-cookie']).toBeUndefined();
      const { audit } = await openTestDatabase();
      const used = await audit.list({ action: 'auth.sign_in_link', targetId: user.id });
      expect(used.items).toMatchObject([{ outcome: 'success', requestId: 'link-1' }]);
      // The second use names no user: the link no longer leads to one.
      const refused = await audit.list({ action: 'auth.sign_in_link', outcome: 'failure', limit: 1 });
      expect(refused.items).toMatchObject([{ requestId: 'link-2', target: { id: null } }]);
    });

    it('redirects an expired or unknown link to /login?error=link', async () => {
      const { user } = await freshUser('admin');
      const expired = await freshSignInLink(user.id, new Date(Date.UTC(2029, 0, 1)));
      for (const token of [expired, 'vgo_unknown']) {
        const response = await router(request('GET', `/api/auth/sign-in?token=${token}`, { as: 'none' }));
        expect(response.headers?.location, token).toBe('/login?error=link');
      }
    });
  });
});
