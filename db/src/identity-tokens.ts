import { randomUUID } from 'node:crypto';
import { ERROR_CODES, VigilError } from '@vigil/core';
import { desc, eq, sql } from 'drizzle-orm';
import type { VigilDatabase } from './database.ts';
import { isConstraintViolation } from './db-errors.ts';
import {
  checkDate,
  checkOptionalDate,
  checkScope,
  checkSources,
  checkText,
  checkTokenRole,
  isLookupKey,
} from './identity-input.ts';
import type { NewToken, TokenRecord } from './identity-store-port.ts';
import { type ApiTokenRow, apiTokens } from './schema.ts';

const toToken = (row: ApiTokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  sources: row.sources,
  scope: row.scope,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

export async function createToken(db: VigilDatabase, token: NewToken): Promise<TokenRecord> {
  const row = {
    id: randomUUID(),
    name: checkText('name', token.name),
    role: checkTokenRole(token.role),
    sources: checkSources(token.sources),
    scope: checkScope(token.scope),
    secretHash: checkText('secretHash', token.secretHash),
    createdBy: checkText('createdBy', token.createdBy),
    expiresAt: checkOptionalDate('expiresAt', token.expiresAt),
    // Stamped here, in milliseconds, so the listing's order is the order of the instants callers see.
    createdAt: new Date(),
  };
  try {
    const [created] = await db.insert(apiTokens).values(row).returning();
    return toToken(created as ApiTokenRow);
  } catch (err) {
    // Two random 256-bit secrets never collide: a repeat means the caller stored the same secret twice.
    if (isConstraintViolation(err, '23505', 'api_tokens_secret_hash_key')) {
      throw new VigilError(ERROR_CODES.conflict, 'a token with this secret exists', { cause: err });
    }
    throw err;
  }
}

export async function listTokens(db: VigilDatabase): Promise<TokenRecord[]> {
  const rows = await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toToken);
}

export async function getToken(db: VigilDatabase, id: string): Promise<TokenRecord | null> {
  if (!isLookupKey(id)) return null;
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
  return row ? toToken(row) : null;
}

export async function findTokenBySecretHash(
  db: VigilDatabase,
  secretHash: string,
): Promise<TokenRecord | null> {
  if (!isLookupKey(secretHash)) return null;
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.secretHash, secretHash)).limit(1);
  return row ? toToken(row) : null;
}

/** coalesce keeps the first revocation's time: a second revoke (two admins, a retry) changes nothing. */
export async function revokeToken(db: VigilDatabase, id: string, at: Date): Promise<TokenRecord | null> {
  const when = checkDate('at', at);
  if (!isLookupKey(id)) return null;
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${when.toISOString()}::timestamptz)` })
    .where(eq(apiTokens.id, id))
    .returning();
  return row ? toToken(row) : null;
}

/** greatest: gateways touching the same token out of order never move lastUsedAt back. */
export async function touchToken(db: VigilDatabase, id: string, at: Date): Promise<void> {
  const when = checkDate('at', at);
  if (!isLookupKey(id)) return;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`greatest(${apiTokens.lastUsedAt}, ${when.toISOString()}::timestamptz)` })
    .where(eq(apiTokens.id, id));
}
