import { and, desc, gte, inArray, lt, sql } from 'drizzle-orm';
import { parseInstant, parseLimit } from './alert-filters.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { eventConditions, timeseriesTarget } from './event-filters.ts';
import { insertEventRows } from './event-insert.ts';
import { fromEventRow, storedEventColumns, toEventRow } from './event-row.ts';
import type { EventPage, EventStore, TimeseriesPoint } from './event-store-port.ts';
import { afterCursor, keysetPage } from './keyset.ts';
import { events } from './schema.ts';
import { bucketSpan } from './time-buckets.ts';

export interface EventStoreOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

// Rows per statement: bounds one statement's memory (17 arrays of this length) and its lock time.
const INSERT_BATCH_ROWS = 5000;
// One DELETE removes at most this many rows, so a sweep after a long pause never holds one huge transaction.
const PRUNE_BATCH_ROWS = 20_000;

/** The event store over Drizzle; the same code serves node-postgres and PGlite. */
export function createEventStore(options: EventStoreOptions): EventStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);
  const columns = storedEventColumns(events);

  return {
    insertEvents: (batch) =>
      guard('insert events', async () => {
        const rows = batch.map(toEventRow);
        let inserted = 0;
        for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) {
          inserted += await insertEventRows(db, rows.slice(i, i + INSERT_BATCH_ROWS));
        }
        return inserted;
      }),

    queryEvents: async (query = {}) => {
      const limit = parseLimit(query.limit);
      const conditions = eventConditions(query);
      if (query.cursor !== undefined) conditions.push(afterCursor(events.ts, events.id, query.cursor));
      return guard('query events', async (): Promise<EventPage> => {
        const rows = await db
          .select(columns)
          .from(events)
          .where(and(...conditions))
          .orderBy(desc(events.ts), desc(events.id))
          .limit(limit + 1);
        return keysetPage(rows, limit, (row) => ({ detectedAt: row.ts, id: row.id }), fromEventRow);
      });
    },

    timeseries: async (query) => {
      const span = bucketSpan(query);
      const { column, where } = timeseriesTarget(query);
      return guard('event timeseries', async (): Promise<TimeseriesPoint[]> => {
        const start = span.startOf(events.ts);
        const rows = await db
          .select({
            start,
            avg: sql<number | null>`avg(${column})::float8`,
            max: sql<number | null>`max(${column})::float8`,
            count: sql<number>`count(${column})::int`.mapWith(Number),
          })
          .from(events)
          .where(and(where, gte(events.ts, span.range.from), lt(events.ts, span.range.to)))
          .groupBy(start);
        const points: TimeseriesPoint[] = Array.from({ length: span.count }, (_, i) => ({
          bucketStart: span.startIso(i),
          avg: null,
          max: null,
          count: 0,
        }));
        for (const row of rows) {
          const point = points[span.indexOf(row.start)];
          if (!point || row.count === 0) continue;
          point.avg = Number(row.avg);
          point.max = Number(row.max);
          point.count = row.count;
        }
        return points;
      });
    },

    pruneOlderThan: async (cutoff) => {
      const before = parseInstant(cutoff, 'cutoff');
      return guard('prune events', async () => {
        let deleted = 0;
        for (;;) {
          const oldest = db
            .select({ id: events.id })
            .from(events)
            .where(lt(events.ts, before))
            .limit(PRUNE_BATCH_ROWS);
          const gone = await db.delete(events).where(inArray(events.id, oldest)).returning({ id: events.id });
          deleted += gone.length;
          if (gone.length < PRUNE_BATCH_ROWS) break;
        }
        // PGlite runs no autovacuum: the periodic sweep refreshes the statistics its planner needs (sampled).
        await db.execute(sql`ANALYZE events`);
        return deleted;
      });
    },
  };
}
