import { sql } from 'drizzle-orm';
import type { VigilDatabase } from './database.ts';
import { EVENT_COLUMN_LIST, EVENT_COLUMNS } from './event-columns.ts';
import type { EventWriteRow } from './event-row.ts';

// One array per column through unnest(): 17 parameters whatever the batch size, where a multi-row VALUES
// binds 17 per row. The store's fast path is COPY (event-copy.ts); this one is its fallback, since only it can
// say ON CONFLICT DO NOTHING (a redelivered batch) and be split to find a row the database refuses.

/** One element as array-literal text: instants as ISO, int8 as decimal, jsonb as its JSON text; null as NULL. */
const element = (value: unknown): string => {
  if (value === null || value === undefined) return 'NULL';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
};

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) built here and sent as one text parameter: both drivers pass
 * it through unchanged, where their own array serializations differ (and Drizzle would expand a JS array).
 */
export const arrayLiteral = (values: unknown[]): string => `{${values.map(element).join(',')}}`;

/** Inserts the rows not stored yet (by id) in one statement; returns how many were new. */
export async function insertEventRows(db: VigilDatabase, rows: readonly EventWriteRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = sql.raw(EVENT_COLUMN_LIST);
  const arrays = sql.join(
    EVENT_COLUMNS.map(
      ([key, , type]) => sql`${arrayLiteral(rows.map((row) => row[key]))}::${sql.raw(type)}[]`,
    ),
    sql`, `,
  );
  const result = await db.execute<{ n: number }>(sql`
    with added as (
      insert into events (${names}) select * from unnest(${arrays})
      on conflict (id) do nothing returning 1
    )
    select count(*)::int as n from added`);
  const first = (Array.isArray(result) ? result[0] : (result as { rows: { n: number }[] }).rows[0]) as
    | { n: number }
    | undefined;
  return Number(first?.n ?? 0);
}
