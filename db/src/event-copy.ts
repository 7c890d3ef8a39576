import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { VigilDatabase } from './database.ts';
import { EVENT_COLUMN_LIST, EVENT_COLUMNS } from './event-columns.ts';
import type { NewEventRow } from './schema.ts';

/** Writes rows in one COPY statement: all of them or, if it throws, none (COPY is one statement). */
export type CopyRows = (rows: readonly NewEventRow[]) => Promise<void>;

const COPY_SQL = `COPY events (${EVENT_COLUMN_LIST}) FROM STDIN`;
// COPY text format: these four are the only characters a field must escape (a backslash also keeps a lone
// `\.` line, COPY's end-of-data marker, from ending the data). Everything else goes through as UTF-8 text.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeText = (text: string) => (SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text);

/** One field as COPY text: \N for null, instants as ISO, jsonb as JSON, numbers and bigints as decimal. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return escapeText(JSON.stringify(value));
}

const KEYS = EVENT_COLUMNS.map(([key]) => key);

/** One row as a line of COPY text format (tab-separated, newline-terminated), columns as EVENT_COLUMNS. */
export function copyLine(row: NewEventRow): string {
  let line = field(row[KEYS[0]!]);
  for (let i = 1; i < KEYS.length; i++) line += `\t${field(row[KEYS[i]!])}`;
  return `${line}\n`;
}

// Rows per chunk written to the COPY stream: ~64 KiB, so the server parses one chunk while the next is built.
const ROWS_PER_CHUNK = 256;

function* copyChunks(rows: readonly NewEventRow[]): Generator<string> {
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    let chunk = '';
    for (const row of rows.slice(i, i + ROWS_PER_CHUNK)) chunk += copyLine(row);
    yield chunk;
  }
}

/** COPY … FROM STDIN over a connection of the node-postgres pool behind `db` (pg-copy-streams). */
function pgCopy(db: VigilDatabase): CopyRows {
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  return async (rows) => {
    const client = await pool.connect();
    let failed: unknown;
    try {
      await pipeline(Readable.from(copyChunks(rows)), client.query(copyFrom(COPY_SQL)));
    } catch (err) {
      failed = err;
      throw err;
    } finally {
      // A refused row leaves the connection ready for the next query; anything else (a socket error, a
      // stream torn down midway) may leave it mid-protocol, so it is discarded rather than pooled.
      client.release(failed !== undefined && !hasSqlState(failed) ? (failed as Error) : undefined);
    }
  };
}

/** PGlite's COPY reads the rows from the `blob` option as the file `/dev/blob`. */
function pgliteCopy(db: VigilDatabase): CopyRows {
  const client = (db as unknown as { $client: PGlite }).$client;
  const sqlText = COPY_SQL.replace('FROM STDIN', "FROM '/dev/blob'");
  return async (rows) => {
    await client.query(sqlText, [], { blob: new Blob([...copyChunks(rows)]) });
  };
}

/** The COPY writer of the driver behind `db`. */
export const copyWriter = (db: VigilDatabase, driver: 'pg' | 'pglite'): CopyRows =>
  driver === 'pg' ? pgCopy(db) : pgliteCopy(db);

const hasSqlState = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
};
