import { ERROR_CODES, VigilError } from '@vigil/core';
import { ConfigError } from '@vigil/core/config';
import type { AuditLog, IdentityStore } from '@vigil/db';
import type { Logger } from 'pino';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { hashSecret, isAcceptableFixedToken, mintSecret } from './secrets.ts';

export interface BootstrapOptions {
  identities: IdentityStore;
  audit: AuditLog;
  logger: Logger;
  now: () => number;
  /** VIGIL_ADMIN_PASSWORD: create or update user `admin` with it. */
  adminPassword?: string;
  /** VIGIL_ADMIN_TOKEN: ensure an admin token with exactly this secret. */
  adminToken?: string;
}

/** How long the first-run sign-in link works. */
export const SIGN_IN_LINK_TTL_MS = 24 * 3_600_000;
export const ADMIN_USERNAME = 'admin';

const system = { kind: 'system' as const, id: null, name: 'system' };

/**
 * Runs a create that another gateway starting at the same moment may have won (same username, same token
 * hash): its conflict means the row exists, which is all a start needs. Null when it lost.
 */
async function createUnlessRaced<T>(create: () => Promise<T>): Promise<T | null> {
  try {
    return await create();
  } catch (err) {
    if (err instanceof VigilError && err.code === ERROR_CODES.conflict) return null;
    throw err;
  }
}

/**
 * The identities a start needs (DESIGN.md, VIGIL_ADMIN_PASSWORD / VIGIL_ADMIN_TOKEN). With neither set and
 * an `admin` without a password (a first start), returns the secret of a one-time sign-in link, as Jupyter
 * prints its token URL: nothing is ever open, and the quick start is still two commands.
 */
export async function bootstrapIdentities(
  options: BootstrapOptions,
): Promise<{ signInSecret: string | null }> {
  const { identities, audit, logger, now, adminPassword, adminToken } = options;
  const record = (action: string, targetType: string, id: string | null, after: unknown) =>
    audit.record({
      at: new Date(now()),
      actor: system,
      action,
      target: { type: targetType, id },
      ip: null,
      requestId: null,
      before: null,
      after,
      outcome: 'success',
    });

  if (adminPassword !== undefined) {
    const problem = passwordProblem(adminPassword);
    if (problem) throw new ConfigError([`VIGIL_ADMIN_PASSWORD: ${problem}`]);
    const existing = await identities.findUserByUsername(ADMIN_USERNAME);
    if (!existing) {
      const passwordHash = await hashPassword(adminPassword);
      const user = await identities.createUser({ username: ADMIN_USERNAME, role: 'admin', passwordHash });
      await record('user.create', 'user', user.id, {
        username: ADMIN_USERNAME,
        role: 'admin',
        source: 'VIGIL_ADMIN_PASSWORD',
      });
    } else {
      // Rewritten (which signs admin's sessions out) only when the value changed: restarts keep sessions.
      const same = await verifyPassword(existing.passwordHash, adminPassword);
      if (!same || existing.role !== 'admin' || existing.disabled) {
        const passwordHash = same ? existing.passwordHash : await hashPassword(adminPassword);
        await identities.updateUser(
          existing.id,
          { passwordHash, role: 'admin', disabled: false },
          new Date(now()),
        );
        await record('user.update', 'user', existing.id, {
          role: 'admin',
          passwordChanged: !same,
          source: 'VIGIL_ADMIN_PASSWORD',
        });
      }
    }
  }

  if (adminToken !== undefined) {
    if (!isAcceptableFixedToken(adminToken)) {
      throw new ConfigError(['VIGIL_ADMIN_TOKEN must be 32–128 printable ASCII characters (no spaces)']);
    }
    const existing = await identities.findTokenBySecretHash(hashSecret(adminToken));
    if (!existing) {
      const token = await createUnlessRaced(() =>
        identities.createToken({
          name: 'VIGIL_ADMIN_TOKEN',
          role: 'admin',
          sources: null,
          scope: null,
          secretHash: hashSecret(adminToken),
          createdBy: 'system',
          expiresAt: null,
        }),
      );
      if (token)
        await record('token.create', 'token', token.id, {
          name: token.name,
          role: 'admin',
          source: 'VIGIL_ADMIN_TOKEN',
        });
    } else if (existing.revokedAt !== null || existing.role !== 'admin') {
      // An admin revoked it on purpose: a restart must not undo that. Choose a new secret.
      logger.warn(
        { tokenId: existing.id },
        'VIGIL_ADMIN_TOKEN names a revoked or non-admin token; it does not work',
      );
    }
  }

  if (adminPassword !== undefined || adminToken !== undefined) return { signInSecret: null };
  let admin = await identities.findUserByUsername(ADMIN_USERNAME);
  if (!admin && (await identities.countUsers()) === 0) {
    const created = await identities.createUser({
      username: ADMIN_USERNAME,
      role: 'admin',
      passwordHash: null,
    });
    await record('user.create', 'user', created.id, {
      username: ADMIN_USERNAME,
      role: 'admin',
      source: 'first run',
    });
    admin = { ...created, passwordHash: null };
  }
  if (!admin || admin.passwordHash !== null || admin.disabled) return { signInSecret: null };
  const secret = mintSecret('link');
  await identities.createSignInLink({
    secretHash: hashSecret(secret),
    userId: admin.id,
    expiresAt: new Date(now() + SIGN_IN_LINK_TTL_MS),
  });
  await record('auth.sign_in_link_created', 'user', admin.id, {
    expiresInHours: SIGN_IN_LINK_TTL_MS / 3_600_000,
  });
  return { signInSecret: secret };
}

/** The URL to print: opening it signs the browser in as admin, once. */
export const signInUrl = (baseUrl: string, secret: string): string =>
  `${baseUrl}/api/auth/sign-in?token=${encodeURIComponent(secret)}`;
