import { SOURCES, ValidationError } from '@vigil/core';
import { and, gte, lt, type SQL, sql } from 'drizzle-orm';
import { listConditions, parseRange } from './alert-filters.ts';
import type { EventQuery, TimeseriesQuery } from './event-store-port.ts';
import { METRIC_FIELDS } from './event-store-port.ts';
import { events } from './schema.ts';
import { toPrefixTsquery } from './text-search.ts';

/** WHERE conditions of an EventQuery except the cursor; validates as it goes (before any database work). */
export function eventConditions(query: EventQuery): SQL[] {
  const range = parseRange(query);
  const conditions: SQL[] = [];
  if (range.from) conditions.push(gte(events.ts, range.from));
  if (range.to) conditions.push(lt(events.ts, range.to));
  const lists = [
    ['source', events.source, query.source, SOURCES],
    ['service', events.service, query.service, undefined],
    ['host', events.host, query.host, undefined],
    ['userId', events.userId, query.userId, undefined],
    ['ip', events.ip, query.ip, undefined],
    ['level', events.level, query.level, undefined],
    ['action', events.action, query.action, undefined],
  ] as const;
  conditions.push(...listConditions(lists));
  const tsquery = query.q === undefined ? null : toPrefixTsquery(query.q);
  // Only log messages are in the (partial) text index; an event without one has an empty vector and never
  // matched, so saying so changes no result and lets the planner use that index.
  if (tsquery)
    conditions.push(
      sql`${events.message} is not null and ${events.search} @@ to_tsquery('simple', ${tsquery})`,
    );
  return conditions;
}

const METRIC_COLUMNS = {
  cpu: events.cpu,
  memory: events.memory,
  latencyMs: events.latencyMs,
  errorRate: events.errorRate,
} as const;

/** The column a timeseries aggregates and its service/host conditions; throws ValidationError on bad input. */
export function timeseriesTarget(query: TimeseriesQuery) {
  if (!METRIC_FIELDS.includes(query.field)) {
    throw new ValidationError(`field must be one of ${METRIC_FIELDS.join(', ')}`, {
      details: { field: query.field },
    });
  }
  const conditions: SQL[] = [sql`${events.source} = 'metrics'`];
  conditions.push(
    ...listConditions([
      ['service', events.service, query.service, undefined],
      ['host', events.host, query.host, undefined],
    ]),
  );

  return { column: METRIC_COLUMNS[query.field], where: and(...conditions) };
}
