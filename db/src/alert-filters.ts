import {
  ALERT_STATUSES,
  type AlertFilter,
  DATE_TIME_RANGE_MS,
  SEVERITIES,
  SOURCES,
  ValidationError,
} from '@vigil/core';
import { type Column, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import {
  type AlertQuery,
  DEFAULT_PAGE_SIZE,
  type Instant,
  MAX_PAGE_SIZE,
  type TimeRange,
} from './alert-store-port.ts';
import { alerts } from './schema.ts';
import { toPrefixTsquery } from './text-search.ts';

/** Most values one multi-select filter may list; an IN list this long already matches almost anything. */
const MAX_FILTER_VALUES = 100;

export interface ParsedRange {
  from: Date | null;
  to: Date | null;
}

const NUL = '\u0000';
const rangeText = () =>
  `${new Date(DATE_TIME_RANGE_MS.min).toISOString()} to ${new Date(DATE_TIME_RANGE_MS.max).toISOString()}`;

/**
 * An Instant as a Date; throws ValidationError naming the parameter. Only core's date-time range: year
 * 0000 and negative years are valid JavaScript dates that PostgreSQL refuses (a failed query, not a 400).
 */
export function parseInstant(value: Instant, name: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  const ms = date.getTime();
  if (Number.isNaN(ms)) {
    throw new ValidationError(`${name} is not a valid date`, { details: { [name]: String(value) } });
  }
  if (ms < DATE_TIME_RANGE_MS.min || ms > DATE_TIME_RANGE_MS.max) {
    throw new ValidationError(`${name} must lie from ${rangeText()}`, { details: { [name]: String(value) } });
  }
  return date;
}

export function parseRange(range: TimeRange = {}): ParsedRange {
  const from = range.from === undefined ? null : parseInstant(range.from, 'from');
  const to = range.to === undefined ? null : parseInstant(range.to, 'to');
  if (from && to && from > to) throw new ValidationError('from is after to', { details: range });
  return { from, to };
}

export function rangeConditions(range: ParsedRange): SQL[] {
  const conditions: SQL[] = [];
  if (range.from) conditions.push(gte(alerts.detectedAt, range.from));
  if (range.to) conditions.push(lt(alerts.detectedAt, range.to));
  return conditions;
}

export function parseLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { details: { limit } });
  }
  return limit;
}

const checkList = (field: string, values: readonly string[], allowed?: readonly string[]): void => {
  if (values.length > MAX_FILTER_VALUES) {
    throw new ValidationError(`${field} lists more than ${MAX_FILTER_VALUES} values`, {
      details: { field, count: values.length },
    });
  }
  // PostgreSQL refuses U+0000 in text parameters: the query would fail instead of the input.
  const withNul = values.find((v) => v.includes(NUL));
  if (withNul !== undefined) {
    throw new ValidationError(`${field} must not contain U+0000 (NUL)`, {
      details: { field, value: withNul.replaceAll(NUL, '\\u0000') },
    });
  }
  const bad = allowed ? values.find((v) => !allowed.includes(v)) : undefined;
  if (bad !== undefined) {
    throw new ValidationError(`${field} "${bad}" is not one of ${allowed?.join(', ')}`, {
      details: { field, value: bad },
    });
  }
};

/** One multi-select filter: its name (for errors), column, the values asked for, and the allowed values if closed. */
export type ListFilter = readonly [
  string,
  Column,
  readonly string[] | undefined,
  readonly string[] | undefined,
];

/** An IN condition per non-empty filter, each validated (length, no U+0000, allowed values) first. */
export function listConditions(lists: readonly ListFilter[]): SQL[] {
  const conditions: SQL[] = [];
  for (const [field, column, values, allowed] of lists) {
    if (!values || values.length === 0) continue;
    checkList(field, values, allowed);
    conditions.push(inArray(column, [...values]));
  }
  return conditions;
}

/** WHERE conditions for every filter of an AlertQuery except the cursor; validates as it goes. */
export function filterConditions(query: AlertQuery): SQL[] {
  const lists = [
    ['severity', alerts.severity, query.severity, SEVERITIES],
    ['source', alerts.source, query.source, SOURCES],
    ['status', alerts.status, query.status, ALERT_STATUSES],
    ['service', alerts.service, query.service, undefined],
    ['ruleId', alerts.ruleId, query.ruleId, undefined],
    ['userId', alerts.userId, query.userId, undefined],
    ['key', alerts.key, query.key, undefined],
  ] as const;
  const conditions = [...rangeConditions(parseRange(query)), ...listConditions(lists)];
  const tsquery = query.q === undefined ? null : toPrefixTsquery(query.q);
  if (tsquery) conditions.push(sql`${alerts.search} @@ to_tsquery('simple', ${tsquery})`);
  return conditions;
}

/** The conditions of a token scope (validated like any filter); none without one. */
export const scopeConditions = (scope: AlertFilter | undefined | null): SQL[] =>
  scope
    ? filterConditions({
        severity: scope.severity,
        source: scope.source,
        service: scope.service,
        ruleId: scope.ruleId,
      })
    : [];
