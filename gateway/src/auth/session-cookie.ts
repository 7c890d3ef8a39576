import type { IdentityStore, UserRecord } from '@vigil/db';
import cookie from 'cookie';
import { SESSION_COOKIE } from './authenticator.ts';
import type { SessionSettings } from './gateway-auth.ts';
import { hashSecret, mintSecret } from './secrets.ts';

/**
 * The session cookie: HttpOnly (scripts never see it), SameSite=Strict (never sent on a request another
 * site starts), Path=/, Max-Age = the session's life; Secure when configured (behind TLS).
 */
export function sessionCookie(secret: string, settings: SessionSettings): string {
  return cookie.serialize(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    maxAge: Math.floor(settings.ttlMs / 1000),
    secure: settings.secureCookie,
  });
}

export const clearedSessionCookie = (settings: SessionSettings): string =>
  cookie.serialize(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    maxAge: 0,
    secure: settings.secureCookie,
  });

/** Opens a session for a user who just proved who they are; the secret lives only in the cookie. */
export async function startSession(
  identities: IdentityStore,
  settings: SessionSettings,
  user: UserRecord,
  context: { at: number; ip: string; userAgent: string | undefined },
): Promise<{ setCookie: string; expiresAt: Date; sessionId: string }> {
  const secret = mintSecret('session');
  const expiresAt = new Date(context.at + settings.ttlMs);
  const session = await identities.createSession({
    userId: user.id,
    secretHash: hashSecret(secret),
    expiresAt,
    ip: context.ip,
    userAgent: context.userAgent?.slice(0, 256) ?? null,
  });
  await identities.recordLogin(user.id, new Date(context.at));
  return { setCookie: sessionCookie(secret, settings), expiresAt, sessionId: session.id };
}
