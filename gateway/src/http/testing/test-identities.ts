import { randomUUID } from 'node:crypto';
import type { TokenRole, UserRole } from '@vigil/core';
import type { IdentityStore } from '@vigil/db';
import { SESSION_COOKIE } from '../../auth/authenticator.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { hashSecret, mintSecret } from '../../auth/secrets.ts';
import { storeTestToken, type TestTokenOptions } from '../../auth/testing/store-token.ts';
import { NOW } from './router-fixture.ts';
import { openTestDatabase } from './test-alert-store.ts';
import { TEST_SECRETS, type TestIdentity } from './test-tokens.ts';

/** Credentials a test request carries: its headers, and the role and kind the gateway should see. */
export interface TestCredential {
  label: string;
  kind: 'token' | 'user' | null;
  role: TokenRole | null;
  headers: Record<string, string>;
}

export const NO_CREDENTIAL: TestCredential = { label: 'no credentials', kind: null, role: null, headers: {} };

const ROLE_OF: Record<TestIdentity, TokenRole> = {
  admin: 'admin',
  operator: 'operator',
  viewer: 'viewer',
  ingest: 'ingest',
  scoped: 'viewer',
  ingestLogs: 'ingest',
};

/** One of the tokens every test database holds (test-tokens.ts). */
export const tokenCredential = (identity: TestIdentity): TestCredential => ({
  label: `${identity} token`,
  kind: 'token',
  role: ROLE_OF[identity],
  headers: { authorization: `Bearer ${TEST_SECRETS[identity]}` },
});

const identities = async (): Promise<IdentityStore> => (await openTestDatabase()).identities;

/** A name no other test used: usernames are unique in the file's database. */
export const uniqueName = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The unit tests' session lifetime, from the fixed clock. */
const SESSION_MS = 12 * 3_600_000;

/**
 * A session cookie of `userId` as a browser sends it, with `Sec-Fetch-Site: same-origin` (every browser
 * does on the dashboard's own requests, so cookie writes pass the CSRF check unless a test removes it).
 */
export async function sessionCredential(
  userId: string,
  role: UserRole,
  username = 'user',
): Promise<TestCredential & { sessionId: string }> {
  const secret = mintSecret('session');
  const session = await (await identities()).createSession({
    userId,
    secretHash: hashSecret(secret),
    expiresAt: new Date(NOW + SESSION_MS),
    ip: null,
    userAgent: null,
  });
  return {
    label: `${role} user ${username}`,
    kind: 'user',
    role,
    headers: { cookie: `${SESSION_COOKIE}=${secret}`, 'sec-fetch-site': 'same-origin' },
    sessionId: session.id,
  };
}

/** A new user (with a password when given: argon2id takes a few ms) and a session of theirs. */
export async function freshUser(role: UserRole, options: { password?: string; username?: string } = {}) {
  const username = options.username ?? uniqueName(role);
  const passwordHash = options.password === undefined ? null : await hashPassword(options.password);
  const user = await (await identities()).createUser({ username, role, passwordHash });
  return { user, credential: await sessionCredential(user.id, role, username) };
}

/** A new API token; its secret as a Bearer credential. */
export async function freshToken(role: TokenRole, options: TestTokenOptions = {}) {
  const { token, secret } = await storeTestToken(await identities(), role, options);
  const credential: TestCredential = {
    label: `${role} token ${token.name}`,
    kind: 'token',
    role,
    headers: { authorization: `Bearer ${secret}` },
  };
  return { token, secret, credential };
}

/** A credential of the same kind and role whose loss (logout, password change) harms no other test. */
export async function freshLike(credential: TestCredential): Promise<TestCredential> {
  if (credential.kind === 'user') return (await freshUser(credential.role as UserRole)).credential;
  if (credential.kind === 'token') return (await freshToken(credential.role as TokenRole)).credential;
  return credential;
}

/** A one-time sign-in link of `userId`, as the first start prints it; returns its secret. */
export async function freshSignInLink(userId: string, expiresAt = new Date(NOW + 3_600_000)) {
  const secret = mintSecret('link');
  await (await identities()).createSignInLink({ secretHash: hashSecret(secret), userId, expiresAt });
  return secret;
}
