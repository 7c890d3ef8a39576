import { Type } from '@sinclair/typebox';
import { abortableSleep } from '@vigil/core';
import type { GatewayAuth } from '../auth/gateway-auth.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.ts';
import { hashSecret } from '../auth/secrets.ts';
import { clearedSessionCookie, startSession } from '../auth/session-cookie.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema } from './api-schemas.ts';
import { LoginAnswerSchema, LoginBodySchema, MeSchema, PasswordChangeSchema } from './auth-schemas.ts';
import { HttpError } from './http-errors.ts';
import { jsonBodyParser } from './json-body.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

export interface AuthRoutesOptions {
  auth: GatewayAuth;
  now: () => number;
}

const parseLogin = jsonBodyParser(LoginBodySchema, '{"username": string, "password": string}');
const parsePasswordChange = jsonBodyParser(
  PasswordChangeSchema,
  '{"newPassword": string, "currentPassword"?: string}',
);
const INVALID_LOGIN = 'invalid username or password';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const noContent = (headers: Record<string, string> = {}) => ({
  status: 204,
  headers: { 'cache-control': 'no-store', ...headers },
  body: '',
});
const redirect = (location: string, headers: Record<string, string> = {}) => ({
  status: 303,
  headers: { location, 'cache-control': 'no-store', ...headers },
  body: '',
});

/** Sign in (password or one-time link), sign out, who am I, change my password. */
export function authRoutes({ auth, now }: AuthRoutesOptions): Route[] {
  const { identities, sessions, authenticator, rateLimits } = auth;
  return [
    defineRoute({
      method: 'POST',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Sign in with a username and password; sets the session cookie',
      description: [
        'Failed attempts are limited per IP and per username+IP (429 with Retry-After once locked) and slow',
        "down per username from any IP, so an attacker cannot lock a user out from the user's own address.",
        'Every attempt is audited (`auth.login`, `auth.login_failed`).',
      ].join(' '),
      tag: 'auth',
      permission: 'public',
      rateLimit: 'none',
      query: NoQueryParams,
      requestBody: {
        description: 'Credentials.',
        required: true,
        content: { 'application/json': LoginBodySchema },
      },
      responses: {
        200: { description: 'Signed in; `Set-Cookie: vigil_session=…`.', schema: LoginAnswerSchema },
        401: { description: INVALID_LOGIN, schema: ErrorSchema },
        403: { description: 'Sent from another site (login CSRF).', schema: ErrorSchema },
        429: {
          description: 'Too many failures from this IP or for this username from it.',
          schema: ErrorSchema,
        },
      },
      async handle({ request, ip, audit }) {
        const headers = request.headers;
        // A page elsewhere must not sign a visitor into an account of its choosing (login CSRF).
        if (
          (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) &&
          !auth.origins.sameOrigin(headers)
        ) {
          throw new HttpError(403, 'forbidden: sign in from the dashboard itself', {
            details: { origin: headers.origin ?? null },
          });
        }
        const { username, password } = parseLogin(request.body);
        const verdict = (await rateLimits?.loginVerdict(username, ip)) ?? { lockedForSeconds: 0, delayMs: 0 };
        if (verdict.lockedForSeconds > 0) {
          await audit({
            action: 'auth.login_failed',
            target: { type: 'user', id: null },
            actorName: username,
            outcome: 'failure',
            after: { reason: 'locked' },
          });
          throw new HttpError(429, 'too many failed sign-ins; try again later', {
            details: { retryAfterSeconds: verdict.lockedForSeconds },
            headers: { 'retry-after': String(verdict.lockedForSeconds) },
          });
        }
        if (verdict.delayMs > 0) await abortableSleep(verdict.delayMs);
        const user = await identities.findUserByUsername(username);
        const matches = await verifyPassword(user?.passwordHash ?? null, password);
        if (!user || !matches || user.disabled) {
          await rateLimits?.loginFailed(username, ip);
          await audit({
            action: 'auth.login_failed',
            target: { type: 'user', id: user?.id ?? null },
            actorName: username,
            outcome: 'failure',
            after: {
              reason: !user ? 'unknown user' : user.disabled && matches ? 'disabled' : 'wrong password',
            },
          });
          throw new HttpError(401, INVALID_LOGIN);
        }
        await rateLimits?.loginSucceeded(username, ip);
        const session = await startSession(identities, sessions, user, {
          at: now(),
          ip,
          userAgent: headers['user-agent'],
        });
        await audit({
          action: 'auth.login',
          target: { type: 'user', id: user.id },
          actorName: user.username,
          after: { sessionId: session.sessionId },
        });
        return json(
          200,
          {
            user: { id: user.id, username: user.username, role: user.role },
            expiresAt: session.expiresAt.toISOString(),
          },
          { 'set-cookie': session.setCookie },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/auth/sign-in',
      operationId: 'signInWithLink',
      summary: 'Open a one-time sign-in link (printed by the first `npm start`); sets the session cookie',
      description: 'Redirects to the dashboard; a used or expired link redirects to `/login?error=link`.',
      tag: 'auth',
      permission: 'public',
      query: Type.Object(
        { token: Type.String({ minLength: 1, maxLength: 256, description: 'The link secret.' }) },
        { additionalProperties: false },
      ),
      responses: { 303: { description: 'To `/` signed in, or to `/login?error=link`.' } },
      async handle({ query, request, ip, audit }) {
        const at = now();
        const userId = await identities.consumeSignInLink(hashSecret(query.token), new Date(at));
        const user = userId === null ? null : await identities.getUser(userId);
        if (!user || user.disabled) {
          await audit({
            action: 'auth.sign_in_link',
            target: { type: 'user', id: userId },
            outcome: 'failure',
            after: { reason: 'used, expired or unknown link' },
          });
          return redirect('/login?error=link');
        }
        const session = await startSession(identities, sessions, user, {
          at,
          ip,
          userAgent: request.headers['user-agent'],
        });
        await audit({
          action: 'auth.sign_in_link',
          target: { type: 'user', id: user.id },
          actorName: user.username,
          after: { sessionId: session.sessionId },
        });
        return redirect('/', { 'set-cookie': session.setCookie });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/logout',
      operationId: 'logout',
      summary: 'Sign out: ends this session and clears the cookie',
      tag: 'auth',
      permission: 'authenticated',
      query: NoQueryParams,
      responses: { 204: { description: 'Signed out.' } },
      async handle({ principal, audit }) {
        if (principal?.kind === 'user') {
          await identities.revokeSession(principal.credentialId, new Date(now()));
          authenticator.forget(principal.credentialId);
          await audit({ action: 'auth.logout', target: { type: 'user', id: principal.id } });
        }
        return noContent({ 'set-cookie': clearedSessionCookie(sessions) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/auth/me',
      operationId: 'whoAmI',
      summary: 'Who the credentials belong to, with role and scope',
      tag: 'auth',
      permission: 'authenticated',
      query: NoQueryParams,
      responses: { 200: { description: 'The principal.', schema: MeSchema } },
      async handle({ principal }) {
        const p = principal!;
        const user = p.kind === 'user' ? await identities.getUser(p.id) : null;
        return json(200, {
          kind: p.kind,
          id: p.id,
          name: p.name,
          role: p.role,
          scope: p.scope,
          sources: p.sources,
          expiresAt: iso(p.expiresAt),
          ...(user ? { hasPassword: user.hasPassword } : {}),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/auth/password',
      operationId: 'changeOwnPassword',
      summary: "Set the signed-in user's own password; other sessions are signed out",
      tag: 'auth',
      permission: 'authenticated',
      query: NoQueryParams,
      requestBody: {
        description: 'The new password (and the current one, when set).',
        required: true,
        content: { 'application/json': PasswordChangeSchema },
      },
      responses: { 204: { description: 'Changed; a fresh session cookie replaces this one.' } },
      async handle({ principal, request, ip, audit }) {
        const p = principal!;
        if (p.kind !== 'user')
          throw new HttpError(400, 'only a signed-in user has a password; tokens do not');
        const { currentPassword, newPassword } = parsePasswordChange(request.body);
        const problem = passwordProblem(newPassword);
        if (problem) throw new HttpError(400, problem, { details: { field: '/newPassword' } });
        const user = await identities.getUser(p.id);
        if (!user) throw new HttpError(401, 'sign in first');
        if (user.passwordHash !== null && !(await verifyPassword(user.passwordHash, currentPassword ?? ''))) {
          await audit({
            action: 'auth.password',
            target: { type: 'user', id: user.id },
            outcome: 'failure',
            after: { reason: 'wrong current password' },
          });
          throw new HttpError(400, 'the current password is wrong', {
            details: { field: '/currentPassword' },
          });
        }
        const at = now();
        // Changing the password revokes every session of the user (the store does it): this one is renewed.
        const updated = await identities.updateUser(
          user.id,
          { passwordHash: await hashPassword(newPassword) },
          new Date(at),
        );
        authenticator.forgetUser(user.id);
        const session = await startSession(identities, sessions, updated ?? user, {
          at,
          ip,
          userAgent: request.headers['user-agent'],
        });
        await audit({
          action: 'auth.password',
          target: { type: 'user', id: user.id },
          before: { hasPassword: user.hasPassword },
          after: { hasPassword: true },
        });
        return noContent({ 'set-cookie': session.setCookie });
      },
    }),
  ];
}
