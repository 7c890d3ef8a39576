import { ValidationError } from '@vigil/core';
import { and, desc, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { parseInstant, parseLimit } from './alert-filters.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { eventConditions, timeseriesTarget } from './event-filters.ts';
import { fromEventRow, storedEventColumns } from './event-row.ts';
import type { EventPage, EventStore, TimeseriesPoint } from './event-store-port.ts';
import { createEventWriter } from './event-write.ts';
import { afterCursor, keysetPage } from './keyset.ts';
import { events } from './schema.ts';
import { bucketSpan } from './time-buckets.ts';

export interface EventStoreOptions {
  db: VigilDatabase;
  /** Which driver is behind `db`: each has its own COPY. */
  driver: 'pg' | 'pglite';
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

// One DELETE removes at most this many rows, so a sweep after a long pause never holds one huge transaction.
const PRUNE_BATCH_ROWS = 20_000;
/** Positions one eventsAt lookup may name: an alert's evidence holds at most a few hundred. */
const MAX_POSITIONS = 500;

/** The event store over Drizzle; the same code serves node-postgres and PGlite. */
export function createEventStore(options: EventStoreOptions): EventStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);
  const columns = storedEventColumns(events);
  const write = createEventWriter({ db, driver: options.driver });

  return {
    insertEvents: (batch) => guard('insert events', () => write(batch)),

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

    eventsAt: async (query) => {
      if (query.positions.length === 0) return [];
      if (query.positions.length > MAX_POSITIONS) {
        throw new ValidationError(`at most ${MAX_POSITIONS} positions per lookup`, {
          details: { positions: query.positions.length },
        });
      }
      const from = parseInstant(query.from, 'from');
      const to = parseInstant(query.to, 'to');
      const byPartition = new Map<number, bigint[]>();
      for (const { partition, offset } of query.positions) {
        if (!/^\d{1,19}$/.test(offset)) continue; // names no stored position
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), BigInt(offset)]);
      }
      if (byPartition.size === 0) return [];
      return guard('events at positions', async () => {
        // The (source, ts) index bounds the scan to the alert's window; partition and offset pick within it.
        const rows = await db
          .select(columns)
          .from(events)
          .where(
            and(
              eq(events.source, query.source),
              gte(events.ts, from),
              lte(events.ts, to),
              or(
                ...[...byPartition].map(([partition, offsets]) =>
                  and(eq(events.partition, partition), inArray(events.offset, offsets)),
                ),
              ),
            ),
          )
          .orderBy(events.partition, events.offset);
        return rows.map(fromEventRow);
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
