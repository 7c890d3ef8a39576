import type { Principal } from '@vigil/core';
import type { IdentityStore, TokenRecord, UserRecord } from '@vigil/db';
import cookie from 'cookie';
import type { Logger } from 'pino';
import { hashSecret } from './secrets.ts';

/** The browser's session cookie. */
export const SESSION_COOKIE = 'vigil_session';

/** How a request presented its credentials. Cookie-authenticated writes get the CSRF check. */
export type CredentialSource = 'bearer' | 'cookie' | 'frame';

export type Authentication =
  | { principal: Principal; via: CredentialSource }
  /** `presented`: credentials were sent but are not valid (expired, revoked, unknown, malformed). */
  | { principal: null; presented: boolean };

export interface Authenticator {
  /** `Authorization: Bearer` first, then the session cookie; neither gives `{ principal: null, presented: false }`. */
  fromHeaders(headers: Readonly<Record<string, string>>): Promise<Authentication>;
  /** An API token secret, as sent in a WebSocket `auth` frame. */
  fromSecret(secret: string, via: CredentialSource): Promise<Authentication>;
  /** Drops what this gateway cached of a credential (logout, revocation here): it stops working at once. */
  forget(credentialId: string): void;
  /**
   * Drops every cached session of a user whose sessions the store just ended (role, password, disabled,
   * deleted): a demoted admin must not keep the old role for the cache's lifetime on this gateway.
   */
  forgetUser(userId: string): void;
}

export interface AuthenticatorOptions {
  identities: IdentityStore;
  now: () => number;
  logger: Logger;
  /**
   * How long a resolved credential is reused without asking the database: bounds the per-request cost of
   * authentication (the REST bench makes thousands of requests a second). A revocation through another
   * gateway takes effect here within this time; through this one, at once (forget).
   */
  cacheMs?: number;
  /** lastUsedAt is written at most this often per token. */
  touchEveryMs?: number;
}

const DEFAULT_CACHE_MS = 1_000;
const MAX_CACHED = 10_000;
/** Longest credential accepted: far above any Vigil secret (VIGIL_ADMIN_TOKEN may be 128), short of abuse. */
const MAX_SECRET_LENGTH = 256;

export const tokenPrincipal = (token: TokenRecord): Principal => ({
  kind: 'token',
  id: token.id,
  name: token.name,
  role: token.role,
  credentialId: token.id,
  expiresAt: token.expiresAt?.getTime() ?? null,
  scope: token.scope,
  sources: token.sources,
});

export const userPrincipal = (user: UserRecord, sessionId: string, expiresAt: Date): Principal => ({
  kind: 'user',
  id: user.id,
  name: user.username,
  role: user.role,
  credentialId: sessionId,
  expiresAt: expiresAt.getTime(),
  scope: null,
  sources: null,
});

/** The bearer secret of an `Authorization` header, or null when the header is absent or another scheme. */
export function bearerSecret(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export function sessionSecret(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  try {
    return cookie.parse(cookieHeader)[SESSION_COOKIE] ?? null;
  } catch {
    return null; // a malformed Cookie header is no session, not a 500
  }
}

/** Resolves sessions and API tokens into principals, with a short cache in front of the database. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { identities, now, logger } = options;
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const touchEveryMs = options.touchEveryMs ?? 60_000;
  const cache = new Map<string, { principal: Principal; until: number }>();
  const touched = new Map<string, number>();

  const touch = (tokenId: string, at: number) => {
    if ((touched.get(tokenId) ?? 0) + touchEveryMs > at) return;
    touched.set(tokenId, at);
    if (touched.size > MAX_CACHED) touched.clear();
    identities.touchToken(tokenId, new Date(at)).catch((err: unknown) => {
      logger.warn({ err, tokenId }, 'could not record when a token was last used');
    });
  };

  const resolve = async (kind: 'token' | 'session', secret: string): Promise<Principal | null> => {
    if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return null;
    const hash = hashSecret(secret);
    const at = now();
    const cached = cache.get(hash);
    if (cached && cached.until > at && (cached.principal.expiresAt ?? Infinity) > at) {
      if (cached.principal.kind === 'token') touch(cached.principal.id, at);
      return cached.principal;
    }
    cache.delete(hash);
    let principal: Principal | null = null;
    if (kind === 'token') {
      const token = await identities.findTokenBySecretHash(hash);
      if (token && token.revokedAt === null && (token.expiresAt?.getTime() ?? Infinity) > at) {
        principal = tokenPrincipal(token);
        touch(token.id, at);
      }
    } else {
      const found = await identities.findSession(hash, new Date(at));
      if (found) principal = userPrincipal(found.user, found.session.id, found.session.expiresAt);
    }
    if (principal) {
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(hash, { principal, until: at + cacheMs });
    }
    return principal;
  };

  const authenticate = async (
    kind: 'token' | 'session',
    secret: string,
    via: CredentialSource,
  ): Promise<Authentication> => {
    const principal = await resolve(kind, secret);
    return principal ? { principal, via } : { principal: null, presented: true };
  };

  return {
    async fromHeaders(headers) {
      const authorization = headers.authorization;
      if (authorization !== undefined) {
        const secret = bearerSecret(authorization);
        // A header in another scheme (Basic) is presented and wrong, not absent.
        return secret === null
          ? { principal: null, presented: true }
          : authenticate('token', secret, 'bearer');
      }
      const session = sessionSecret(headers.cookie);
      if (session !== null) return authenticate('session', session, 'cookie');
      return { principal: null, presented: false };
    },
    fromSecret: (secret, via) => authenticate('token', secret, via),
    forget(credentialId) {
      for (const [hash, entry] of cache)
        if (entry.principal.credentialId === credentialId) cache.delete(hash);
    },
    forgetUser(userId) {
      for (const [hash, { principal }] of cache)
        if (principal.kind === 'user' && principal.id === userId) cache.delete(hash);
    },
  };
}
