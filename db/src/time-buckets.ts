import { type TimelineBucketSize, ValidationError } from '@vigil/core';
import { type SQL, sql } from 'drizzle-orm';
import { type ParsedRange, parseInstant, parseRange } from './alert-filters.ts';
import { type Instant, MAX_TIMELINE_BUCKETS, TIMELINE_BUCKETS } from './alert-store-port.ts';

const MINUTE_MS = 60_000;
const BUCKETS = {
  '1m': { ms: MINUTE_MS, interval: '1 minute' },
  '5m': { ms: 5 * MINUTE_MS, interval: '5 minutes' },
  '15m': { ms: 15 * MINUTE_MS, interval: '15 minutes' },
  '1h': { ms: 60 * MINUTE_MS, interval: '1 hour' },
  '1d': { ms: 1440 * MINUTE_MS, interval: '1 day' },
} as const;

/** A validated bucketed range: [from, to) cut into `count` buckets of `ms`, the first starting at `first`. */
export interface BucketSpan {
  range: ParsedRange & { from: Date; to: Date };
  ms: number;
  first: number;
  count: number;
  /** Epoch milliseconds of the bucket start of `column`, as float8 (both drivers read it as a number). */
  startOf(column: SQL.Aliased | SQL | unknown): SQL<number>;
  /** The ISO start of bucket i. */
  startIso(i: number): string;
  /** The bucket index of a start read back from `startOf`. */
  indexOf(startMs: number): number;
}

/** Checks bucket, from and to (both required) and the bucket count; throws ValidationError naming the field. */
export function bucketSpan(query: { bucket: TimelineBucketSize; from: Instant; to: Instant }): BucketSpan {
  if (!TIMELINE_BUCKETS.includes(query.bucket)) {
    throw new ValidationError(`bucket must be one of ${TIMELINE_BUCKETS.join(', ')}`, {
      details: { bucket: query.bucket },
    });
  }
  const bucket = BUCKETS[query.bucket];
  const range = parseRange({
    from: parseInstant(query.from, 'from'),
    to: parseInstant(query.to, 'to'),
  }) as BucketSpan['range'];
  const first = Math.floor(range.from.getTime() / bucket.ms) * bucket.ms;
  const count = Math.max(0, Math.ceil((range.to.getTime() - first) / bucket.ms));
  if (count > MAX_TIMELINE_BUCKETS) {
    throw new ValidationError(`the range spans more than ${MAX_TIMELINE_BUCKETS} ${query.bucket} buckets`, {
      details: { buckets: count },
    });
  }
  return {
    range,
    ms: bucket.ms,
    first,
    count,
    // date_bin (PostgreSQL 14+) with a literal interval, so the SELECT and GROUP BY expressions are identical.
    startOf: (column) =>
      sql<number>`(extract(epoch from date_bin(${sql.raw(`'${bucket.interval}'`)}::interval, ${column}, timestamptz '1970-01-01T00:00:00Z')) * 1000)::float8`.mapWith(
        Number,
      ),
    startIso: (i) => new Date(first + i * bucket.ms).toISOString(),
    indexOf: (startMs) => Math.round((startMs - first) / bucket.ms),
  };
}
