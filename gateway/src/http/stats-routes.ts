import {
  DATE_TIME_RANGE_MS,
  type ServicesBody,
  type SummaryBody,
  type TimelineBody,
  ValidationError,
} from '@vigil/core';
import type { TimelineBucketSize } from '@vigil/db';
import { checkRange, RangeQueryParams, TimelineQueryParams } from './api-params.ts';
import {
  ServicesBodySchema,
  SummaryBodySchema,
  TimelineBodySchema,
  UNAVAILABLE_RESPONSE,
} from './api-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

const MINUTE_MS = 60_000;
const BUCKET_MS: Record<TimelineBucketSize, number> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};
/** Range of a timeline that names none. */
const DEFAULT_TIMELINE_SPAN_MS = 60 * MINUTE_MS;

export interface StatsRoutesOptions {
  store: HttpAlertStore;
  now: () => number;
  maxTimelineBuckets: number;
}

/** The effective timeline range: `to` defaults to now, `from` to one hour before `to`. */
export function timelineRange(
  query: { from?: string; to?: string },
  now: number,
): { from: string; to: string } {
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - DEFAULT_TIMELINE_SPAN_MS : Date.parse(query.from);
  // Only a default can leave the range: a given `from` was checked as a date-time already.
  if (from < DATE_TIME_RANGE_MS.min) {
    const earliest = new Date(DATE_TIME_RANGE_MS.min).toISOString();
    throw new ValidationError(`from defaults to one hour before to, which is before ${earliest}: give from`, {
      details: { parameter: 'from', parameters: ['from', 'to'], earliest },
    });
  }
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  checkRange(range);
  return range;
}

/** Refuses a range of more than `max` buckets (400 naming bucket, from and to), before the store is asked. */
export function checkBucketCount(
  bucket: TimelineBucketSize,
  range: { from: string; to: string },
  max: number,
): void {
  const size = BUCKET_MS[bucket];
  // Same alignment as the store: buckets start on multiples of their size since the epoch.
  const first = Math.floor(Date.parse(range.from) / size) * size;
  const buckets = Math.ceil((Date.parse(range.to) - first) / size);
  if (buckets > max) {
    throw new ValidationError(`the range spans ${buckets} ${bucket} buckets, more than ${max}`, {
      details: { parameter: 'bucket', parameters: ['bucket', 'from', 'to'], buckets, max },
    });
  }
}

export function statsRoutes({ store, now, maxTimelineBuckets }: StatsRoutesOptions): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/stats/summary',
      operationId: 'alertSummary',
      summary: 'Alert counts by severity, source, service and rule',
      description: 'Over the whole history unless `from`/`to` narrow it.',
      tag: 'stats',
      permission: 'viewer',
      query: RangeQueryParams,
      responses: {
        200: { description: 'The counts.', schema: SummaryBodySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        checkRange(query);
        const summary = await store.summary({ ...query, scope: principal?.scope ?? undefined });
        return json(200, {
          from: query.from ?? null,
          to: query.to ?? null,
          ...summary,
        } satisfies SummaryBody);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/stats/timeline',
      operationId: 'alertTimeline',
      summary: 'Alert counts per time bucket and severity',
      description: `Default range: the hour before now. At most ${maxTimelineBuckets} buckets per request.`,
      tag: 'stats',
      permission: 'viewer',
      query: TimelineQueryParams,
      responses: {
        200: { description: 'The buckets.', schema: TimelineBodySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        const bucket = query.bucket ?? '1m';
        const range = timelineRange(query, now());
        checkBucketCount(bucket, range, maxTimelineBuckets);
        const points = await store.timeline({ bucket, ...range, scope: principal?.scope ?? undefined });
        return json(200, { bucket, ...range, points } satisfies TimelineBody);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/services',
      operationId: 'listServices',
      summary: 'Per-service alert summary, most alerts first',
      tag: 'stats',
      permission: 'viewer',
      query: RangeQueryParams,
      responses: {
        200: { description: 'One entry per service.', schema: ServicesBodySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        checkRange(query);
        const items = await store.services({ ...query, scope: principal?.scope ?? undefined });
        return json(200, { items } satisfies ServicesBody);
      },
    }),
  ];
}
