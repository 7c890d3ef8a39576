import { randomUUID } from 'node:crypto';
import { ERROR_CODES, ValidationError, VigilError } from '@vigil/core';
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { VigilDatabase } from './database.ts';
import { isConstraintViolation } from './db-errors.ts';
import {
  checkDate,
  checkText,
  checkUsername,
  checkUserRole,
  isLookupKey,
  isValidUsername,
} from './identity-input.ts';
import type { NewUser, UserChanges, UserRecord, UserWithHash } from './identity-store-port.ts';
import { sessions, type UserRow, users } from './schema.ts';

// An argon2id PHC string is about 100 characters; this only bounds junk.
const MAX_HASH_LENGTH = 1024;

export const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  role: row.role,
  hasPassword: row.passwordHash !== null,
  disabled: row.disabled,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  lastLoginAt: row.lastLoginAt,
});

const withHash = (row: UserRow): UserWithHash => ({ ...toUser(row), passwordHash: row.passwordHash });

const checkHash = (value: unknown): string | null =>
  value === null ? null : checkText('passwordHash', value, MAX_HASH_LENGTH);

const taken = (username: string, cause: unknown) =>
  new VigilError(ERROR_CODES.conflict, `username "${username}" is taken`, { cause, details: { username } });

export async function createUser(db: VigilDatabase, user: NewUser): Promise<UserRecord> {
  const row = {
    id: randomUUID(),
    username: checkUsername(user.username),
    role: checkUserRole(user.role),
    passwordHash: checkHash(user.passwordHash),
  };
  try {
    const [created] = await db.insert(users).values(row).returning();
    return toUser(created as UserRow);
  } catch (err) {
    if (isConstraintViolation(err, '23505', 'users_username_lower_idx')) throw taken(row.username, err);
    throw err;
  }
}

export async function getUser(db: VigilDatabase, id: string): Promise<UserWithHash | null> {
  if (!isLookupKey(id)) return null;
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ? withHash(row) : null;
}

export async function findUserByUsername(db: VigilDatabase, username: string): Promise<UserWithHash | null> {
  // A name no account can have matches none; answering null (not a 400) keeps login replies uniform.
  if (!isValidUsername(username)) return null;
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .limit(1);
  return row ? withHash(row) : null;
}

export async function listUsers(db: VigilDatabase): Promise<UserRecord[]> {
  const rows = await db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map(toUser);
}

function checkChanges(changes: UserChanges): UserChanges {
  const checked: UserChanges = {};
  if (changes.role !== undefined) checked.role = checkUserRole(changes.role);
  if (changes.passwordHash !== undefined) checked.passwordHash = checkHash(changes.passwordHash);
  if (changes.disabled !== undefined) {
    if (typeof changes.disabled !== 'boolean') {
      throw new ValidationError('disabled must be a boolean', { details: { disabled: changes.disabled } });
    }
    checked.disabled = changes.disabled;
  }
  return checked;
}

/**
 * In one transaction, with the row locked: a concurrent login cannot create a session between the change
 * and the revocation that would survive it. Sessions are revoked only on a real change (a new password
 * hash always is one), so saving a form unchanged signs nobody out.
 */
export async function updateUser(
  db: VigilDatabase,
  id: string,
  changes: UserChanges,
  at: Date,
): Promise<UserRecord | null> {
  const checked = checkChanges(changes);
  const now = checkDate('at', at);
  if (!isLookupKey(id)) return null;
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!current) return null;
    const revokes =
      checked.passwordHash !== undefined ||
      (checked.role !== undefined && checked.role !== current.role) ||
      (checked.disabled !== undefined && checked.disabled !== current.disabled);
    const [updated] = await tx
      .update(users)
      .set({ ...checked, updatedAt: now })
      .where(eq(users.id, id))
      .returning();
    if (revokes) {
      await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
    }
    return toUser(updated as UserRow);
  });
}

export async function deleteUser(db: VigilDatabase, id: string): Promise<boolean> {
  if (!isLookupKey(id)) return false;
  // Sessions and sign-in links go with the user (ON DELETE CASCADE).
  const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return deleted.length > 0;
}

export async function countUsers(db: VigilDatabase): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function recordLogin(db: VigilDatabase, userId: string, at: Date): Promise<void> {
  const when = checkDate('at', at);
  if (!isLookupKey(userId)) return;
  await db.update(users).set({ lastLoginAt: when }).where(eq(users.id, userId));
}
