import type { Principal } from '@vigil/core';

let nextCredential = 0;

/** A principal as the authenticator resolves one: by default an unscoped viewer token with its own credential. */
export function testPrincipal(overrides: Partial<Principal> = {}): Principal {
  nextCredential += 1;
  return {
    kind: 'token',
    id: `token-${nextCredential}`,
    name: `test token ${nextCredential}`,
    role: 'viewer',
    credentialId: `token-${nextCredential}`,
    expiresAt: null,
    scope: null,
    sources: null,
    ...overrides,
  };
}

/**
 * The fan-out's `authenticate` over a fixed table of secrets: what an `auth` frame resolves to without a
 * database (an Error: the lookup fails, as with the database down). `calls` records the secrets asked about.
 */
export function fakeAuthenticate(tokens: Record<string, Principal | Error> = {}) {
  const calls: string[] = [];
  return {
    calls,
    authenticate: async (token: string): Promise<Principal | null> => {
      calls.push(token);
      const found = tokens[token];
      if (found instanceof Error) throw found;
      return found ?? null;
    },
  };
}
