import type { VigilDatabase } from './database.ts';
import { copyWriter } from './event-copy.ts';
import { insertEventRows } from './event-insert.ts';
import { type EventWriteRow, eventId, toEventRow } from './event-row.ts';
import type { IndexedEvent, InsertEventsResult, RejectedEvent } from './event-store-port.ts';

export interface EventWriterOptions {
  db: VigilDatabase;
  driver: 'pg' | 'pglite';
}

// Rows per COPY statement. PostgreSQL: bounds one statement's memory and what a refused row makes the
// fallback redo. PGlite runs in this thread, so one statement blocks the event loop (the alert path in
// embedded mode) for its whole duration: ~250 rows keep that near 10–20 ms (bench/README, "Event store").
const COPY_ROWS: Record<EventWriterOptions['driver'], number> = { pg: 5_000, pglite: 250 };

// SQLSTATE classes that name a value, not the database: 22 data exception (bad JSON, an instant out of
// range), 23 integrity (a duplicate id in COPY, a source outside the check), 54 program limit (a field too
// long for a btree or tsvector). Anything else (an outage, a missing table) fails the batch, to be retried.
const ROW_ERROR_CLASSES = new Set(['22', '23', '54']);

/** The database error in `err`'s cause chain (Drizzle wraps them) if it is about a row's values. */
function rowError(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.length === 5)
      return ROW_ERROR_CLASSES.has(code.slice(0, 2)) ? e : undefined;
  }
  return undefined;
}

/**
 * The event store's write path. Each chunk goes in as one COPY (the fast path: no parameters, no array
 * literals, no per-row planning). COPY cannot skip a duplicate, so a chunk it refuses, for a redelivered row
 * or a bad value, is written again through INSERT … ON CONFLICT DO NOTHING, halved until the refused rows are
 * alone: they are rejected, the others stored. A redelivery after a crash costs one failed COPY per chunk.
 */
export function createEventWriter(options: EventWriterOptions) {
  const { db } = options;
  const copy = copyWriter(db, options.driver);
  const chunkRows = COPY_ROWS[options.driver];

  const isolate = async (rows: EventWriteRow[], rejected: RejectedEvent[]): Promise<number> => {
    try {
      return await insertEventRows(db, rows);
    } catch (err) {
      const refused = rowError(err);
      if (!refused) throw err;
      if (rows.length === 1) {
        rejected.push({ id: rows[0]!.id, reason: refused.message });
        return 0;
      }
      const half = rows.length >>> 1;
      return (await isolate(rows.slice(0, half), rejected)) + (await isolate(rows.slice(half), rejected));
    }
  };

  const write = async (rows: EventWriteRow[], rejected: RejectedEvent[]): Promise<number> => {
    try {
      await copy(rows);
      return rows.length;
    } catch (err) {
      if (!rowError(err)) throw err;
      return isolate(rows, rejected);
    }
  };

  return async (batch: readonly IndexedEvent[]): Promise<InsertEventsResult> => {
    const rejected: RejectedEvent[] = [];
    const rows: EventWriteRow[] = [];
    for (const event of batch) {
      const row = toEventRow(event);
      // Validation upstream makes this unreachable from the bus; a caller's bad instant is one row's problem.
      if (Number.isNaN(row.ts.getTime()))
        rejected.push({ id: eventId(event), reason: 'ts is not an instant' });
      else rows.push(row);
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += chunkRows) {
      inserted += await write(rows.slice(i, i + chunkRows), rejected);
      // PGlite: let whatever else this process does (the alert path) run between two statements.
      if (options.driver === 'pglite' && i + chunkRows < rows.length) await new Promise(setImmediate);
    }
    return { inserted, rejected };
  };
}
