import { ERROR_CODES, UnavailableError, ValidationError, VigilError } from '@vigil/core';

/** Errors a retry can cure once the operator frees space, fixes permissions or the disk recovers. */
const TRANSIENT = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EAGAIN',
]);
/**
 * A key whose folder is an object, or whose object is a folder: the same put will always fail. Nothing
 * changed concurrently (not `conflict`): the caller's key layout nests one key under another, a bug.
 */
const COLLISION = new Set(['ENOTDIR', 'EISDIR', 'EEXIST']);

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a filesystem failure onto core's taxonomy; anything unexpected is returned as it is (a bug, not an outage). */
export function toFsArchiveError(err: unknown, key: string): unknown {
  const code = errnoCode(err) ?? '';
  if (TRANSIENT.has(code))
    return new UnavailableError(`archive filesystem failed (${code}) for ${key}`, { cause: err });
  if (COLLISION.has(code))
    return new VigilError(ERROR_CODES.internal, `archive key ${key} collides with an object or folder`, {
      cause: err,
    });
  if (code === 'ENAMETOOLONG')
    return new ValidationError(`archive key ${key} has a segment too long for this filesystem`, {
      cause: err,
    });
  return err;
}
