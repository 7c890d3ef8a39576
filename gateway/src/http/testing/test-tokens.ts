import type { IdentityStore, NewToken } from '@vigil/db';
import { hashSecret } from '../../auth/secrets.ts';

/** API tokens every HTTP unit test database holds, by what they may do. */
export const TEST_SECRETS = {
  admin: 'vgl_test-admin-000000000000000000000000000000',
  operator: 'vgl_test-operator-000000000000000000000000000',
  viewer: 'vgl_test-viewer-00000000000000000000000000000',
  ingest: 'vgl_test-ingest-00000000000000000000000000000',
  /** A viewer scoped to `source: security`. */
  scoped: 'vgl_test-scoped-00000000000000000000000000000',
  /** An ingest token limited to `logs`. */
  ingestLogs: 'vgl_test-ingest-logs-000000000000000000000000',
} as const;
export type TestIdentity = keyof typeof TEST_SECRETS;

const TOKENS: Record<TestIdentity, Omit<NewToken, 'secretHash' | 'name' | 'createdBy' | 'expiresAt'>> = {
  admin: { role: 'admin', sources: null, scope: null },
  operator: { role: 'operator', sources: null, scope: null },
  viewer: { role: 'viewer', sources: null, scope: null },
  ingest: { role: 'ingest', sources: null, scope: null },
  scoped: { role: 'viewer', sources: null, scope: { source: ['security'] } },
  ingestLogs: { role: 'ingest', sources: ['logs'], scope: null },
};

export async function seedTestTokens(identities: IdentityStore): Promise<void> {
  for (const [name, token] of Object.entries(TOKENS) as [TestIdentity, (typeof TOKENS)[TestIdentity]][]) {
    await identities.createToken({
      ...token,
      name: `test ${name}`,
      createdBy: 'test',
      expiresAt: null,
      secretHash: hashSecret(TEST_SECRETS[name]),
    });
  }
}
