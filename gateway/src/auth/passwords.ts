import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended configuration (Password Storage Cheat Sheet): 19 MiB of memory,
 * 2 iterations, 1 lane; ~25 ms per hash on this machine's cores. The PHC string carries its parameters, so
 * raising them later still verifies old hashes.
 */
// `algorithm: 2` is Algorithm.Argon2id: the package exports a const enum, which isolated modules cannot read.
export const PASSWORD_HASH_PARAMS = {
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 takes any length; a bound keeps a login body from costing more than it should. */
export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string): Promise<string> => hash(password, PASSWORD_HASH_PARAMS);

// A hash of nothing anyone knows, verified when the user does not exist, so "no such user" and "wrong
// password" take the same time and a timing probe cannot enumerate usernames.
let decoy: Promise<string> | undefined;

/** Whether `password` matches the PHC string; with no hash, spends the same time and answers false. */
export async function verifyPassword(phc: string | null, password: string): Promise<boolean> {
  if (phc === null) {
    decoy ??= hashPassword('decoy password never used');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(phc, password);
  } catch {
    return false; // a malformed stored hash is a mismatch, never a 500
  }
}

/** Why a new password is refused, or null. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  if (password.length < MIN_PASSWORD_LENGTH)
    return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}
