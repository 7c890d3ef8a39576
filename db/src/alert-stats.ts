import { ALERT_STATUSES, SEVERITIES, SOURCES } from '@vigil/core';
import { and, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { parseRange, rangeConditions, scopeConditions } from './alert-filters.ts';
import type {
  AlertSummary,
  ServiceSummary,
  SeverityCounts,
  StatsRange,
  TimelinePoint,
  TimelineQuery,
} from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { alerts } from './schema.ts';
import { bucketSpan } from './time-buckets.ts';

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
  const span = bucketSpan(query);
  const start = span.startOf(alerts.detectedAt);
  const rows = await db
    .select({ start, severity: alerts.severity, count })
    .from(alerts)
    .where(and(...rangeConditions(span.range), ...scopeConditions(query.scope)))
    .groupBy(start, alerts.severity);

  const points = Array.from({ length: span.count }, (_, i) => ({
    bucketStart: span.startIso(i),
    total: 0,
    bySeverity: zeroSeverities(),
  }));
  for (const row of rows) {
    const point = points[span.indexOf(row.start)];
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
