import { afterAll, beforeAll } from 'vitest';

/**
 * Opens what a contract suite tests once for the enclosing describe (PGlite starts in seconds, a fresh
 * PostgreSQL database is migrated from scratch) and closes it after; the getter throws if opening failed.
 */
export function openForSuite<T extends { close(): Promise<void> }>(open: () => Promise<T>): () => T {
  let opened: T | undefined;
  // Generous: the machine running the suite may be busy.
  beforeAll(async () => {
    opened = await open();
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
  });
  return () => {
    if (!opened) throw new Error('not opened: see the beforeAll error');
    return opened;
  };
}
