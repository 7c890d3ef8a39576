import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type * as schema from './schema.ts';

/** A Drizzle database over either driver (node-postgres or PGlite); the store is written against this. */
export type VigilDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

/** One opened driver: the Drizzle handle, a label for messages, and how to release it. */
export interface DriverHandle {
  db: VigilDatabase;
  driver: 'pg' | 'pglite';
  /** Where the data lives, safe to log: "PostgreSQL at host:port/db" or "PGlite in <dir>". */
  target: string;
  /** Called by the store with the number of rows each insert added (PGlite uses it to keep statistics fresh). */
  afterInsert?: (inserted: number) => Promise<void>;
  /** The node-postgres pool behind `db` (pg driver only), for libraries that need one of their own. */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}
