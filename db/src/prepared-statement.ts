import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { VigilDatabase } from './database.ts';

/**
 * Statements on every alert's path (the fold, marking it published) are kilobytes of SQL with CTEs, and
 * PostgreSQL spent more time parsing one than running it: the fold took ≈ 1.4–2.1 ms unnamed and ≈ 0.9 ms
 * prepared (still planned for its values on each run, see pg-driver.ts). node-postgres prepares a statement
 * once per connection when the query has a name, so each distinct text gets one here. The texts are few
 * (their values are parameters); past the bound, a text runs unnamed rather than growing every cache.
 */
const MAX_NAMED_TEXTS = 32;

const dialect = new PgDialect();
const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_NAMED_TEXTS) return known;
  const name = `vigil_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/**
 * Runs `statement` as `db.execute` does (same result, same type parsers), as a named prepared statement on
 * PostgreSQL; PGlite runs it as it would any other.
 */
export function executePrepared(db: VigilDatabase, statement: SQL): Promise<unknown> {
  const query = dialect.sqlToQuery(statement);
  return db._.session.prepareQuery(query, undefined, nameOf(query.sql), false).execute();
}
