import { ALERT_STATUSES, SEVERITIES, SOURCES, ValidationError } from '@vigil/core';
import { and, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { filterConditions, parseInstant, parseRange, rangeConditions } from './alert-filters.ts';
import {
  type AlertSummary,
  MAX_TIMELINE_BUCKETS,
  type ServiceSummary,
  type SeverityCounts,
  type StatsRange,
  TIMELINE_BUCKETS,
  type TimelinePoint,
  type TimelineQuery,
} from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { alerts } from './schema.ts';

const MINUTE_MS = 60_000;
const BUCKETS = {
  '1m': { ms: MINUTE_MS, interval: '1 minute' },
  '5m': { ms: 5 * MINUTE_MS, interval: '5 minutes' },
  '15m': { ms: 15 * MINUTE_MS, interval: '15 minutes' },
  '1h': { ms: 60 * MINUTE_MS, interval: '1 hour' },
  '1d': { ms: 1440 * MINUTE_MS, interval: '1 day' },
} as const;

const zeroSeverities = (): SeverityCounts =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
/**
 * A counter keyed by user strings (service names, rule ids): null-prototype, so `constructor` or `toString`
 * count from 0 like any name and `__proto__` is an own key instead of the prototype (JSON keeps both).
 */
const countsByName = (): Record<string, number> => Object.create(null) as Record<string, number>;
const count = sql<number>`count(*)::int`.mapWith(Number);
/** Milliseconds since the epoch as float8, read as a number by both drivers (a timestamptz is not). */
const epochMs = (instant: SQL) =>
  sql<number>`(extract(epoch from ${instant}) * 1000)::float8`.mapWith(Number);

/**
 * One scan grouped by every breakdown at once, folded here: a handful of rules and services make few
 * groups, and a flat GROUP BY runs in parallel where GROUPING SETS does not (≈ 2.5× faster on 1 M rows).
 */
/** The conditions of a token scope (validated like any filter); none without one. */
const scopeConditions = (scope: StatsRange['scope']): SQL[] =>
  scope
    ? filterConditions({
        severity: scope.severity,
        source: scope.source,
        service: scope.service,
        ruleId: scope.ruleId,
      })
    : [];

export async function summarize(db: VigilDatabase, range?: StatsRange): Promise<AlertSummary> {
  const rows = await db
    .select({
      severity: alerts.severity,
      source: alerts.source,
      status: alerts.status,
      service: alerts.service,
      ruleId: alerts.ruleId,
      count,
    })
    .from(alerts)
    .where(and(...rangeConditions(parseRange(range)), ...scopeConditions(range?.scope)))
    .groupBy(alerts.severity, alerts.source, alerts.status, alerts.service, alerts.ruleId);
  const summary: AlertSummary = {
    total: 0,
    bySeverity: zeroSeverities(),
    bySource: Object.fromEntries(SOURCES.map((s) => [s, 0])) as AlertSummary['bySource'],
    byStatus: Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as AlertSummary['byStatus'],
    byService: countsByName(),
    byRuleId: countsByName(),
  };
  for (const row of rows) {
    summary.total += row.count;
    summary.bySeverity[row.severity] += row.count;
    summary.bySource[row.source] += row.count;
    summary.byStatus[row.status] += row.count;
    if (row.service !== null)
      summary.byService[row.service] = (summary.byService[row.service] ?? 0) + row.count;
    summary.byRuleId[row.ruleId] = (summary.byRuleId[row.ruleId] ?? 0) + row.count;
  }
  return summary;
}

/** Counts per bucket and severity over [from, to), buckets aligned on the UTC epoch, empty ones included. */
export async function timeline(db: VigilDatabase, query: TimelineQuery): Promise<TimelinePoint[]> {
  if (!TIMELINE_BUCKETS.includes(query.bucket)) {
    throw new ValidationError(`bucket must be one of ${TIMELINE_BUCKETS.join(', ')}`, {
      details: { bucket: query.bucket },
    });
  }
  const bucket = BUCKETS[query.bucket];
  const range = parseRange({ from: parseInstant(query.from, 'from'), to: parseInstant(query.to, 'to') });
  const from = range.from!.getTime();
  const first = Math.floor(from / bucket.ms) * bucket.ms;
  const bucketCount = Math.ceil((range.to!.getTime() - first) / bucket.ms);
  if (bucketCount > MAX_TIMELINE_BUCKETS) {
    throw new ValidationError(`the range spans more than ${MAX_TIMELINE_BUCKETS} ${query.bucket} buckets`, {
      details: { buckets: bucketCount },
    });
  }
  // date_bin (PostgreSQL 14+) with a literal interval, so the SELECT and GROUP BY expressions are identical.
  const start = epochMs(
    sql`date_bin(${sql.raw(`'${bucket.interval}'`)}::interval, ${alerts.detectedAt}, timestamptz '1970-01-01T00:00:00Z')`,
  );
  const rows = await db
    .select({ start, severity: alerts.severity, count })
    .from(alerts)
    .where(and(...rangeConditions(range), ...scopeConditions(query.scope)))
    .groupBy(start, alerts.severity);

  const points = Array.from({ length: Math.max(0, bucketCount) }, (_, i) => ({
    bucketStart: new Date(first + i * bucket.ms).toISOString(),
    total: 0,
    bySeverity: zeroSeverities(),
  }));
  for (const row of rows) {
    const point = points[Math.round((row.start - first) / bucket.ms)];
    if (!point) continue; // unreachable: the WHERE clause keeps every row inside the listed buckets
    point.total += row.count;
    point.bySeverity[row.severity] += row.count;
  }
  return points;
}

/** Per service: totals, open alerts, severities and the latest detection; most alerts first. */
export async function summarizeServices(db: VigilDatabase, range?: StatsRange): Promise<ServiceSummary[]> {
  const rows = await db
    .select({
      service: alerts.service,
      severity: alerts.severity,
      count,
      open: sql<number>`(count(*) filter (where ${eq(alerts.status, 'open')}))::int`.mapWith(Number),
      lastMs: epochMs(sql`max(${alerts.detectedAt})`),
    })
    .from(alerts)
    .where(
      and(isNotNull(alerts.service), ...rangeConditions(parseRange(range)), ...scopeConditions(range?.scope)),
    )
    .groupBy(alerts.service, alerts.severity);
  const byService = new Map<string, ServiceSummary & { lastMs: number }>();
  for (const row of rows) {
    const service = row.service!;
    let entry = byService.get(service);
    if (!entry) {
      entry = { service, total: 0, open: 0, bySeverity: zeroSeverities(), lastAlertAt: '', lastMs: 0 };
      byService.set(service, entry);
    }
    entry.total += row.count;
    entry.open += row.open;
    entry.bySeverity[row.severity] += row.count;
    entry.lastMs = Math.max(entry.lastMs, row.lastMs);
  }
  return [...byService.values()]
    .map(({ lastMs, ...entry }) => ({ ...entry, lastAlertAt: new Date(lastMs).toISOString() }))
    .sort((a, b) => b.total - a.total || (a.service < b.service ? -1 : 1));
}
