import { randomUUID } from 'node:crypto';
import { ERROR_CODES, VigilError } from '@vigil/core';
import { and, eq, gt, isNull, not, or, sql } from 'drizzle-orm';
import type { VigilDatabase } from './database.ts';
import { isConstraintViolation } from './db-errors.ts';
import { checkDate, checkText, isLookupKey, optionalText } from './identity-input.ts';
import type { NewSession, SessionRecord, UserRecord } from './identity-store-port.ts';
import { toUser } from './identity-users.ts';
import { apiTokens, type SessionRow, sessions, signInLinks, users } from './schema.ts';

// Longer than any real address or browser's User-Agent; a client cannot grow the table with a huge header.
const MAX_IP_LENGTH = 64;
const MAX_USER_AGENT_LENGTH = 512;

const toSession = (row: SessionRow): SessionRecord => ({
  id: row.id,
  userId: row.userId,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

const noSuchUser = (userId: string, cause: unknown) =>
  new VigilError(ERROR_CODES.notFound, 'no such user', { cause, details: { userId } });

export async function createSession(db: VigilDatabase, session: NewSession): Promise<SessionRecord> {
  const row = {
    id: randomUUID(),
    userId: checkText('userId', session.userId),
    secretHash: checkText('secretHash', session.secretHash),
    expiresAt: checkDate('expiresAt', session.expiresAt),
    ip: optionalText(session.ip, MAX_IP_LENGTH),
    userAgent: optionalText(session.userAgent, MAX_USER_AGENT_LENGTH),
  };
  try {
    const [created] = await db.insert(sessions).values(row).returning();
    return toSession(created as SessionRow);
  } catch (err) {
    // The user was deleted between the password check and this insert.
    if (isConstraintViolation(err, '23503', 'sessions_user_id_users_id_fk'))
      throw noSuchUser(row.userId, err);
    throw err;
  }
}

/** A session usable at `at`: not revoked, not expired, of a user who exists and is enabled. */
const liveSession = (at: Date) =>
  and(isNull(sessions.revokedAt), gt(sessions.expiresAt, at), not(users.disabled));

export async function findSession(
  db: VigilDatabase,
  secretHash: string,
  at: Date,
): Promise<{ session: SessionRecord; user: UserRecord } | null> {
  const when = checkDate('at', at);
  if (!isLookupKey(secretHash)) return null;
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.secretHash, secretHash), liveSession(when)))
    .limit(1);
  return row ? { session: toSession(row.session), user: toUser(row.user) } : null;
}

export async function revokeSession(db: VigilDatabase, id: string, at: Date): Promise<void> {
  const when = checkDate('at', at);
  if (!isLookupKey(id)) return;
  await db
    .update(sessions)
    .set({ revokedAt: when })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

export async function createSignInLink(
  db: VigilDatabase,
  link: { secretHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  const row = {
    secretHash: checkText('secretHash', link.secretHash),
    userId: checkText('userId', link.userId),
    expiresAt: checkDate('expiresAt', link.expiresAt),
  };
  try {
    await db.insert(signInLinks).values(row);
  } catch (err) {
    if (isConstraintViolation(err, '23503', 'sign_in_links_user_id_users_id_fk'))
      throw noSuchUser(row.userId, err);
    throw err;
  }
}

/**
 * One statement: of two requests racing with the same link, the row lock lets exactly one UPDATE match
 * `used_at IS NULL`; the other re-checks the updated row, no longer matches, and gets null.
 */
export async function consumeSignInLink(
  db: VigilDatabase,
  secretHash: string,
  at: Date,
): Promise<string | null> {
  const when = checkDate('at', at);
  if (!isLookupKey(secretHash)) return null;
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: when })
    .where(
      and(
        eq(signInLinks.secretHash, secretHash),
        isNull(signInLinks.usedAt),
        gt(signInLinks.expiresAt, when),
      ),
    )
    .returning({ userId: signInLinks.userId });
  return row?.userId ?? null;
}

/**
 * Two queries whatever the number of ids (one array parameter each, so thousands of live sockets never
 * meet the bind-parameter limit): the valid tokens and the valid sessions among the ids; the rest are invalid.
 */
export async function invalidCredentials(
  db: VigilDatabase,
  ids: readonly string[],
  at: Date,
): Promise<string[]> {
  const when = checkDate('at', at);
  const unique = [...new Set(ids)];
  const keys = unique.filter(isLookupKey);
  if (keys.length === 0) return unique;
  const anyOf = (column: typeof apiTokens.id | typeof sessions.id) =>
    sql`${column} = any(${sql.param(keys)}::text[])`;
  const [tokens, live] = await Promise.all([
    db
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(
        and(
          anyOf(apiTokens.id),
          isNull(apiTokens.revokedAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, when)),
        ),
      ),
    db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(anyOf(sessions.id), liveSession(when))),
  ]);
  const valid = new Set([...tokens, ...live].map((row) => row.id));
  return unique.filter((id) => !valid.has(id));
}
