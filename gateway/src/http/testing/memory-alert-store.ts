import {
  ALERT_STATUSES,
  type Alert,
  SEVERITIES,
  type Severity,
  SOURCES,
  type Source,
  ValidationError,
} from '@vigil/core';
import {
  type AlertQuery,
  type AlertSummary,
  DEFAULT_PAGE_SIZE,
  type ServiceSummary,
  type SeverityCounts,
  type TimeRange,
} from '@vigil/db';
import type { HttpAlertStore } from '../http-ports.ts';

const BUCKET_MS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };

// Same shape as the real store's cursors (opaque to the routes either way): base64url of [detectedAt, id].
const encodeCursor = (alert: Alert) =>
  Buffer.from(JSON.stringify([alert.detectedAt, alert.id])).toString('base64url');
function decodeCursor(cursor: string): { detectedAt: string; id: string } {
  const invalid = new ValidationError('invalid cursor', { details: { cursor: cursor.slice(0, 64) } });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new ValidationError('invalid cursor', { cause: err, details: { cursor: cursor.slice(0, 64) } });
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid;
  const [detectedAt, id] = decoded as unknown[];
  if (typeof detectedAt !== 'string' || typeof id !== 'string') throw invalid;
  return { detectedAt, id };
}

const zero = (): SeverityCounts => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
const newestFirst = (a: Alert, b: Alert) =>
  a.detectedAt === b.detectedAt ? (a.id < b.id ? 1 : -1) : a.detectedAt < b.detectedAt ? 1 : -1;
const inRange = (alert: Alert, range: TimeRange) =>
  (range.from === undefined || Date.parse(alert.detectedAt) >= new Date(range.from).getTime()) &&
  (range.to === undefined || Date.parse(alert.detectedAt) < new Date(range.to).getTime());
const anyOf = (values: readonly string[] | undefined, value: string | null) =>
  !values || values.length === 0 || (value !== null && values.includes(value));

/** The alert store in memory, with the real one's order, cursor format and errors: for unit tests of routes. */
export function createMemoryAlertStore(initial: readonly Alert[] = []): HttpAlertStore & { alerts: Alert[] } {
  const alerts = [...initial];
  const matches = (a: Alert, q: AlertQuery) =>
    inRange(a, q) &&
    anyOf(q.severity, a.severity) &&
    anyOf(q.source, a.source) &&
    anyOf(q.service, a.service) &&
    anyOf(q.ruleId, a.ruleId) &&
    anyOf(q.userId, a.userId) &&
    anyOf(q.status, a.status) &&
    (q.q === undefined || `${a.title} ${a.message}`.toLowerCase().includes(q.q.toLowerCase()));

  return {
    alerts,
    async getAlert(id) {
      return alerts.find((a) => a.id === id) ?? null;
    },
    async queryAlerts(query = {}) {
      const limit = query.limit ?? DEFAULT_PAGE_SIZE;
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      const rows = alerts
        .filter((a) => matches(a, query))
        .sort(newestFirst)
        .filter(
          (a) =>
            !after ||
            Date.parse(a.detectedAt) < Date.parse(after.detectedAt) ||
            (a.detectedAt === after.detectedAt && a.id < after.id),
        );
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
      return { items, nextCursor };
    },
    async summary(range = {}) {
      const summary: AlertSummary = {
        total: 0,
        bySeverity: zero(),
        bySource: Object.fromEntries(SOURCES.map((s) => [s, 0])) as AlertSummary['bySource'],
        byStatus: Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as AlertSummary['byStatus'],
        // Null-prototype like the real store's: service and rule names are user strings.
        byService: Object.create(null) as Record<string, number>,
        byRuleId: Object.create(null) as Record<string, number>,
      };
      for (const a of alerts.filter((x) => inRange(x, range))) {
        summary.total += 1;
        summary.bySeverity[a.severity as Severity] += 1;
        summary.bySource[a.source as Source] += 1;
        summary.byStatus[a.status] += 1;
        if (a.service !== null) summary.byService[a.service] = (summary.byService[a.service] ?? 0) + 1;
        summary.byRuleId[a.ruleId] = (summary.byRuleId[a.ruleId] ?? 0) + 1;
      }
      return summary;
    },
    async timeline({ bucket, from, to }) {
      const size = BUCKET_MS[bucket];
      if (!size) throw new ValidationError('bad bucket', { details: { bucket } });
      const first = Math.floor(new Date(from).getTime() / size) * size;
      const count = Math.ceil((new Date(to).getTime() - first) / size);
      const points = Array.from({ length: Math.max(0, count) }, (_, i) => ({
        bucketStart: new Date(first + i * size).toISOString(),
        total: 0,
        bySeverity: zero(),
      }));
      for (const a of alerts.filter((x) => inRange(x, { from, to }))) {
        const point = points[Math.floor((Date.parse(a.detectedAt) - first) / size)];
        if (!point) continue;
        point.total += 1;
        point.bySeverity[a.severity as Severity] += 1;
      }
      return points;
    },
    async services(range = {}) {
      const byService = new Map<string, ServiceSummary>();
      for (const a of alerts.filter((x) => x.service !== null && inRange(x, range))) {
        const entry = byService.get(a.service!) ?? {
          service: a.service!,
          total: 0,
          open: 0,
          bySeverity: zero(),
          lastAlertAt: a.detectedAt,
        };
        entry.total += 1;
        if (a.status === 'open') entry.open += 1;
        entry.bySeverity[a.severity as Severity] += 1;
        if (a.detectedAt > entry.lastAlertAt) entry.lastAlertAt = a.detectedAt;
        byService.set(entry.service, entry);
      }
      return [...byService.values()].sort((a, b) => b.total - a.total || (a.service < b.service ? -1 : 1));
    },
    async updateStatus(id, status) {
      const index = alerts.findIndex((a) => a.id === id);
      const current = alerts[index];
      if (!current) return null;
      const updated = { ...current, status };
      alerts[index] = updated;
      return updated;
    },
  };
}
