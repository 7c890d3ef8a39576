import { isSafeArchiveKey, ValidationError } from '@vigil/core';

/** Throws ValidationError unless the key is safe on both S3 and a directory tree (see core's isSafeArchiveKey). */
export function assertSafeKey(key: string): void {
  if (typeof key !== 'string' || !isSafeArchiveKey(key))
    throw new ValidationError(`unsafe archive key ${JSON.stringify(key)}`);
}

/**
 * A list prefix is '' (everything), a safe key, or a safe key plus a trailing '/'. It may end mid-segment
 * (`raw/source=lo`), as S3 prefixes do; `..`, absolute paths and empty segments are refused so a prefix can
 * never walk out of the filesystem archive's root.
 */
export function assertSafePrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new ValidationError('archive prefix must be a string');
  if (prefix === '') return;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!isSafeArchiveKey(body)) throw new ValidationError(`unsafe archive prefix ${JSON.stringify(prefix)}`);
}
