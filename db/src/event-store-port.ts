import type { Source, TimelineBucketSize } from '@vigil/core';
import type { Instant, TimeRange } from './alert-store-port.ts';

/** One valid event as the indexer read it from the bus: its source, bus position and decoded body. */
export interface IndexedEvent {
  source: Source;
  partition: number;
  /** Decimal string, as the bus gives it. */
  offset: string;
  /** Epoch milliseconds the bus recorded; part of the row id, so a wiped and refilled log reads as new. */
  busTimestamp: number;
  /** The validated event (core's contract for its source), stored as it came. */
  event: { ts: string } & Record<string, unknown>;
  /**
   * The event's JSON text as it came off the bus, when the caller has it (the indexer decoded it anyway): it
   * is stored as given instead of serializing `event` again, which was a fifth of the indexer's work per event.
   */
  json?: string;
}

/** An event as the explorer returns it. */
export interface StoredEvent {
  id: string;
  source: Source;
  /** The event's own time, `Date#toISOString()`. */
  ts: string;
  position: { partition: number; offset: string };
  event: Record<string, unknown>;
}

/** Filters of `GET /api/events`: a listed field matches any of its values; absent or empty matches all. */
export interface EventQuery extends TimeRange {
  source?: readonly Source[];
  service?: readonly string[];
  host?: readonly string[];
  userId?: readonly string[];
  ip?: readonly string[];
  level?: readonly string[];
  action?: readonly string[];
  /** Words that must all appear in the message (logs), each matched as a word prefix (≥ 3 letters). */
  q?: string;
  /** 1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  limit?: number;
  cursor?: string;
}

export interface EventPage {
  items: StoredEvent[];
  nextCursor: string | null;
}

export const METRIC_FIELDS = ['cpu', 'memory', 'latencyMs', 'errorRate'] as const;
export type MetricField = (typeof METRIC_FIELDS)[number];

/** `GET /api/metrics/timeseries`: one metric of the metrics events of a service and/or host, per bucket. */
export interface TimeseriesQuery {
  field: MetricField;
  bucket: TimelineBucketSize;
  from: Instant;
  to: Instant;
  /** Any of these services (a token's scope narrows this list); absent or empty: all. */
  service?: readonly string[];
  host?: readonly string[];
}

/** One bucket; avg and max are null where no event in it carried the field. */
export interface TimeseriesPoint {
  bucketStart: string;
  avg: number | null;
  max: number | null;
  count: number;
}

/**
 * The explorer's event store. Bad input throws core's ValidationError (before any database work); an
 * unreachable database throws UnavailableError (retriable).
 */
/** Events of one source at bus positions, within the event-time range that holds them (the index's range). */
export interface EventsAtQuery {
  source: Source;
  /** Inclusive bounds on the events' own time: an alert's window (windowStart … eventTime). */
  from: Instant;
  to: Instant;
  positions: readonly { partition: number; offset: string }[];
}

/** An event the database refused (a value it cannot store), left out so the rest of its batch is stored. */
export interface RejectedEvent {
  id: string;
  /** The database's message (no event data): `invalid input syntax for type json`, … */
  reason: string;
}

export interface InsertEventsResult {
  /** Rows added: a redelivered event is not counted again. */
  inserted: number;
  /** Events the database refused, one by one; empty in the ordinary case. */
  rejected: RejectedEvent[];
}

export interface EventStore {
  /**
   * Stores a batch; a redelivered event (same position and bus timestamp) is skipped. An event the database
   * refuses (a value outside what its column or index takes) is rejected alone, never failing the batch, so
   * it cannot stall the indexer. Resolves once every stored row is durable; throws only UnavailableError.
   */
  insertEvents(batch: readonly IndexedEvent[]): Promise<InsertEventsResult>;
  /** Newest first by event time, then id; keyset-paginated. */
  queryEvents(query?: EventQuery): Promise<EventPage>;
  /** Buckets aligned on the UTC epoch over [from, to), empty ones included. */
  timeseries(query: TimeseriesQuery): Promise<TimeseriesPoint[]>;
  /** The stored events at these positions (at most 500 positions; ones not stored are left out). */
  eventsAt(query: EventsAtQuery): Promise<StoredEvent[]>;
  /** Deletes events whose time is before `cutoff`; returns how many. */
  pruneOlderThan(cutoff: Date): Promise<number>;
}
