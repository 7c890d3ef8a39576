import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { VigilDatabase } from './database.ts';
import { EVENT_COLUMN_LIST, EVENT_COLUMNS } from './event-columns.ts';
import type { EventWriteRow } from './event-row.ts';

/** Writes rows in one COPY statement: all of them or, if it throws, none (COPY is one statement). */
export type CopyRows = (rows: readonly EventWriteRow[]) => Promise<void>;

const COPY_SQL = `COPY events (${EVENT_COLUMN_LIST}) FROM STDIN`;
// COPY text format: these four are the only characters a field must escape (a backslash also keeps a lone
// `\.` line, COPY's end-of-data marker, from ending the data). Everything else goes through as UTF-8 text.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeText = (text: string) => (SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text);

const NULL = '\\N';
const orNull =
  <T>(encode: (value: T) => string) =>
  (value: T | null | undefined) =>
    value === null || value === undefined ? NULL : encode(value);
// One encoder per SQL type of EVENT_COLUMNS, picked once per column rather than tested per value.
const ENCODERS: Record<string, (value: never) => string> = {
  text: orNull(escapeText),
  jsonb: escapeText, // the row's JSON text (EventWriteRow)
  timestamptz: orNull((value: Date) => value.toISOString()),
  int4: orNull(String),
  int8: orNull(String),
  float8: orNull(String),
};
const COLUMNS = EVENT_COLUMNS.map(([key, , type]) => {
  const encode = ENCODERS[type];
  if (!encode) throw new Error(`no COPY encoder for ${type}`);
  return [key, encode as (value: unknown) => string] as const;
});

/** One row as a line of COPY text format (tab-separated, newline-terminated), columns as EVENT_COLUMNS. */
export function copyLine(row: EventWriteRow): string {
  let line = '';
  for (const [key, encode] of COLUMNS) line += `${encode(row[key])}\t`;
  return `${line.slice(0, -1)}\n`;
}

// Rows per chunk written to the COPY stream: ~64 KiB, so the server parses one chunk while the next is built.
const ROWS_PER_CHUNK = 256;

function* copyChunks(rows: readonly EventWriteRow[]): Generator<string> {
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
