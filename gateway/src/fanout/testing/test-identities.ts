import type { AlertFilter, Source, TokenRole } from '@vigil/core';
import { type Database, openDatabase } from '@vigil/db';
import { createTestDatabase, services, TEST_ADMIN_TOKEN } from '@vigil/harness';
import type { Logger } from 'pino';
import { createGatewayAuth, type GatewayAuth, type GatewayAuthOptions } from '../../auth/gateway-auth.ts';
import { hashSecret } from '../../auth/secrets.ts';
import { storeTestToken } from '../../auth/testing/store-token.ts';

/** The real auth over a test database, and the tokens a test needs, made through the identity store. */
export interface AuthFixture {
  auth: GatewayAuth;
  /** An admin token's secret (the harness's TEST_ADMIN_TOKEN, as the bench and the e2e tests start Vigil). */
  adminSecret: string;
  /** A fresh token, stored hashed as POST /api/tokens stores it; the secret is what a tool would send. */
  createToken(
    role: TokenRole,
    options?: { scope?: AlertFilter; sources?: Source[]; expiresAt?: Date },
  ): Promise<{ id: string; secret: string }>;
  /** Revokes a token in the database only, as another gateway's DELETE /api/tokens/{id} would. */
  revokeElsewhere(id: string): Promise<void>;
}

/** `Authorization: Bearer <secret>` plus any other headers. */
export const bearer = (secret: string, extra: Record<string, string> = {}): Record<string, string> => ({
  authorization: `Bearer ${secret}`,
  ...extra,
});

export async function authFor(
  database: Pick<Database, 'identities' | 'audit'>,
  options: Partial<GatewayAuthOptions> & { logger: Logger },
): Promise<AuthFixture> {
  const { identities } = database;
  // The suites' gateways measure behaviour, not the REST rate limits (tested in the router's own suite).
  const auth = createGatewayAuth({ identities, audit: database.audit, rateLimits: false, ...options });
  const createToken: AuthFixture['createToken'] = async (role, extra = {}) => {
    const { token, secret } = await storeTestToken(identities, role, extra);
    return { id: token.id, secret };
  };
  // One admin token per database: the harness's fixed secret is unique, so a second insert would conflict.
  const admin = await identities.findTokenBySecretHash(hashSecret(TEST_ADMIN_TOKEN));
  if (!admin) {
    await identities.createToken({
      name: 'test admin',
      role: 'admin',
      sources: null,
      scope: null,
      secretHash: hashSecret(TEST_ADMIN_TOKEN),
      createdBy: 'system',
      expiresAt: null,
    });
  }
  return {
    auth,
    adminSecret: TEST_ADMIN_TOKEN,
    createToken,
    revokeElsewhere: async (id) => {
      await identities.revokeToken(id, new Date());
    },
  };
}

/**
 * A database for a suite's identities: a fresh PostgreSQL database when the run has one (integration
 * suites), else PGlite in memory, so suites that need no PostgreSQL otherwise (the in-process bus) still run.
 */
export async function openIdentityDatabase(
  logger: Logger,
  name = 'gateway-auth',
): Promise<{ database: Database; close(): Promise<void> }> {
  const postgres = services().postgres;
  if (!postgres) {
    const database = await openDatabase({ logger });
    return { database, close: () => database.close() };
  }
  const testDb = await createTestDatabase(postgres.url, name);
  const database = await openDatabase({ url: testDb.url, logger });
  return {
    database,
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}
