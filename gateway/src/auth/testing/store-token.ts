import { randomUUID } from 'node:crypto';
import type { AlertFilter, Source, TokenRole } from '@vigil/core';
import type { IdentityStore, TokenRecord } from '@vigil/db';
import { hashSecret, mintSecret } from '../secrets.ts';

export interface TestTokenOptions {
  sources?: Source[];
  scope?: AlertFilter;
  expiresAt?: Date;
}

/** A fresh API token stored hashed, exactly as POST /api/tokens stores it; the secret is what a tool sends. */
export async function storeTestToken(
  identities: Pick<IdentityStore, 'createToken'>,
  role: TokenRole,
  options: TestTokenOptions = {},
): Promise<{ token: TokenRecord; secret: string }> {
  const secret = mintSecret('token');
  const token = await identities.createToken({
    name: `test-${role}-${randomUUID().slice(0, 8)}`,
    role,
    sources: options.sources ?? null,
    scope: options.scope ?? null,
    secretHash: hashSecret(secret),
    createdBy: 'test',
    expiresAt: options.expiresAt ?? null,
  });
  return { token, secret };
}
