import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (API tokens, session cookies, one-time sign-in links): 32 random bytes from the OS CSPRNG,
 * base64url, with a prefix that says what a leaked string is (`vgl_` tokens, `vgs_` sessions, `vgo_` links),
 * as GitHub's token scanning relies on.
 */
export type SecretKind = 'token' | 'session' | 'link';
const PREFIX: Record<SecretKind, string> = { token: 'vgl_', session: 'vgs_', link: 'vgo_' };

export const mintSecret = (kind: SecretKind): string => PREFIX[kind] + randomBytes(32).toString('base64url');

/**
 * What the database keeps of a secret: SHA-256, hex. A fast hash is right here (unlike for passwords): the
 * secrets carry 256 bits of entropy, so there is nothing to brute-force, and lookup must be by hash.
 */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** VIGIL_ADMIN_TOKEN's contract (DESIGN.md): 32–128 printable ASCII characters. */
export const isAcceptableFixedToken = (secret: string): boolean => /^[\x21-\x7e]{32,128}$/.test(secret);
