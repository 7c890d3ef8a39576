/**
 * The raw-event archive port: S3 (or any S3-compatible store) and the local filesystem, with one key layout
 * (`raw/source=logs/date=2026-11-21/hour=14/...`). Writes are whole objects and a second `put` of the same
 * key replaces the first, which is what makes archive retries idempotent.
 * Both implementations pass one contract suite (adapters/src/archive/archive-contract.ts).
 */
export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
}

export interface Archive {
  /** Checks the store is reachable (bucket exists, directory writable); throws UnavailableError if not. */
  start(): Promise<void>;
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  /** The object's bytes, or null when there is no such key. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Keys are relative, slash-separated, without `..`, so they map safely onto both S3 and a directory tree. */
export function isSafeArchiveKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= 1024 &&
    !key.startsWith('/') &&
    !key.split('/').some((part) => part === '' || part === '.' || part === '..') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we reject
    !/[\u0000-\u001f\\]/.test(key)
  );
}
