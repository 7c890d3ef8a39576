import { UnavailableError, ValidationError } from '@vigil/core';
import type { AlertStore, EventQuery, EventStore } from '@vigil/db';
import { checkRange } from './api-params.ts';
import { UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { EntityQueryParams, EventQueryParams, TimeseriesQueryParams } from './explorer-params.ts';
import { EntitiesBodySchema, EventPageSchema, TimeseriesBodySchema } from './explorer-schemas.ts';
import { scopedEvents } from './explorer-scope.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';
import { checkBucketCount, timelineRange } from './stats-routes.ts';

/** What the explorer routes read: the event store (indexer-fed) and the alert store's risk ranking. */
export type ExplorerStore = Pick<EventStore, 'queryEvents' | 'timeseries' | 'eventsAt'> &
  Pick<AlertStore, 'entities'>;

export interface ExplorerRoutesOptions {
  /** Absent in gateways built without a database (benchmarks, socket tests): the routes answer 503. */
  explorer: ExplorerStore | undefined;
  now: () => number;
  maxTimelineBuckets: number;
}

const noExplorer = (): never => {
  throw new UnavailableError('this gateway has no event store');
};

/** A cursor the store refuses is relabelled, so the 400 names the parameter like every other one. */
async function queryEvents(explorer: ExplorerStore, query: EventQuery) {
  try {
    return await explorer.queryEvents(query);
  } catch (err) {
    if (err instanceof ValidationError && query.cursor !== undefined) {
      throw new ValidationError(err.message, { cause: err, details: { parameter: 'cursor' } });
    }
    throw err;
  }
}

/** `GET /api/events`, `GET /api/metrics/timeseries`, `GET /api/entities` (gateway README, "HTTP: event explorer"). */
export function explorerRoutes({ explorer, now, maxTimelineBuckets }: ExplorerRoutesOptions): Route[] {
  const store = (): ExplorerStore => explorer ?? noExplorer();
  return [
    defineRoute({
      method: 'GET',
      path: '/api/events',
      operationId: 'searchEvents',
      summary: 'Raw events, newest first, filtered by source, time, fields and message words',
      description:
        'Events the indexer copied from the bus (kept EVENT_RETENTION_HOURS). A token scope applies by its ' +
        '`source` and `service`. Walk pages with `nextCursor`.',
      tag: 'events',
      permission: 'viewer',
      query: EventQueryParams,
      responses: {
        200: { description: 'One page of events.', schema: EventPageSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        checkRange(query);
        const scoped = scopedEvents(principal, query);
        if (scoped === null) return json(200, { items: [], nextCursor: null });
        return json(200, await queryEvents(store(), scoped));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/metrics/timeseries',
      operationId: 'metricTimeseries',
      summary: 'avg, max and count of one metric per time bucket, for services and/or hosts',
      description: `Over the metrics events. Default range: the hour before now; at most ${maxTimelineBuckets} buckets.`,
      tag: 'events',
      permission: 'viewer',
      query: TimeseriesQueryParams,
      responses: {
        200: { description: 'Every bucket of the range.', schema: TimeseriesBodySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        const bucket = query.bucket ?? '1m';
        const range = timelineRange(query, now());
        checkBucketCount(bucket, range, maxTimelineBuckets);
        const body = { field: query.field, bucket, ...range };
        const scoped = scopedEvents(principal, { source: ['metrics' as const], service: query.service });
        if (scoped === null) return json(200, { ...body, points: [] });
        const points = await store().timeseries({
          field: query.field,
          bucket,
          ...range,
          service: scoped.service,
          host: query.host,
        });
        return json(200, { ...body, points });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/entities',
      operationId: 'riskyEntities',
      summary: 'Users, IPs, services or hosts ranked by the risk of their recent alerts',
      description:
        'score = Σ weight(severity) · 0.5^(age / 6 h) over the alerts of the last 24 h (weights info 1, low 2, ' +
        'medium 4, high 8, critical 16); alerts outside a token scope do not count.',
      tag: 'events',
      permission: 'viewer',
      query: EntityQueryParams,
      responses: {
        200: { description: 'Highest score first.', schema: EntitiesBodySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        const items = await store().entities({
          kind: query.kind,
          limit: query.limit,
          now: new Date(now()),
          scope: principal?.scope ?? undefined,
        });
        return json(200, { kind: query.kind, items });
      },
    }),
  ];
}
