import {
  ALERT_STATUSES,
  type Alert,
  type AlertStatus,
  SEVERITIES,
  type Severity,
  SOURCES,
  type Source,
  ValidationError,
} from '@vigil/core';
import { getTableColumns } from 'drizzle-orm';
import { type AlertRow, alerts, type NewAlertRow } from './schema.ts';

/**
 * The columns that make up an Alert: everything except bookkeeping (`created_at`, and what auto-resolve and
 * the fold read: `resolve_after_ms`, `takes_firings`, `changed_at`) and the search vector.
 */
const {
  createdAt: _createdAt,
  search: _search,
  resolveAfterMs: _resolveAfterMs,
  takesFirings: _takesFirings,
  changedAt: _changedAt,
  ...alertColumnMap
} = getTableColumns(alerts);
export const alertColumns = alertColumnMap;
export type StoredAlertRow = Omit<
  AlertRow,
  'createdAt' | 'search' | 'resolveAfterMs' | 'takesFirings' | 'changedAt'
>;

const toDate = (alertId: string, field: string, iso: string): Date => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(`alert ${alertId}: ${field} is not a date`, { details: { field, value: iso } });
  }
  return date;
};

// core's Alert type widens these to string, so the values are checked here rather than by the CHECK constraint,
// whose violation would read as a database failure.
const oneOf = <T extends string>(alertId: string, field: string, value: string, allowed: readonly T[]): T => {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(`alert ${alertId}: ${field} "${value}" is not one of ${allowed.join(', ')}`, {
      details: { field, value },
    });
  }
  return value as T;
};

const toOptionalDate = (alertId: string, field: string, iso: string | null | undefined): Date | null =>
  iso == null ? null : toDate(alertId, field, iso);

const toIso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Alert → row. Dates go in as Date, so stored instants have the millisecond precision cursors rely on. */
export function toRow(alert: Alert): NewAlertRow {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    severity: oneOf<Severity>(alert.id, 'severity', alert.severity, SEVERITIES),
    source: oneOf<Source>(alert.id, 'source', alert.source, SOURCES),
    title: alert.title,
    message: alert.message,
    service: alert.service,
    userId: alert.userId,
    key: alert.key,
    value: alert.value,
    threshold: alert.threshold,
    eventTime: toDate(alert.id, 'eventTime', alert.eventTime),
    detectedAt: toDate(alert.id, 'detectedAt', alert.detectedAt),
    status: oneOf<AlertStatus>(alert.id, 'status', alert.status, ALERT_STATUSES),
    windowStart: toOptionalDate(alert.id, 'windowStart', alert.windowStart),
    windowEnd: toOptionalDate(alert.id, 'windowEnd', alert.windowEnd),
    ingestedAt: toOptionalDate(alert.id, 'ingestedAt', alert.ingestedAt),
    publishedAt: toOptionalDate(alert.id, 'publishedAt', alert.publishedAt),
    evidence: alert.evidence ?? null,
    occurrences: alert.occurrences ?? 1,
    firstSeenAt: toDate(alert.id, 'firstSeenAt', alert.firstSeenAt ?? alert.eventTime),
    lastSeenAt: toDate(alert.id, 'lastSeenAt', alert.lastSeenAt ?? alert.eventTime),
    revision: alert.revision ?? 1,
    ruleVersion: alert.ruleVersion ?? 1,
    resolvedAt: toOptionalDate(alert.id, 'resolvedAt', alert.resolvedAt),
    resolvedBy: alert.resolvedBy ?? null,
    acknowledgedBy: alert.acknowledgedBy ?? null,
    silencedBy: alert.silencedBy ?? [],
  };
}

/** Row → Alert, in core's JSON shape. */
export function fromRow(row: StoredAlertRow): Alert {
  const alert: Alert = {
    id: row.id,
    ruleId: row.ruleId,
    severity: row.severity,
    source: row.source,
    title: row.title,
    message: row.message,
    service: row.service,
    userId: row.userId,
    key: row.key,
    value: row.value,
    threshold: row.threshold,
    eventTime: row.eventTime.toISOString(),
    detectedAt: row.detectedAt.toISOString(),
    status: row.status,
    windowStart: toIso(row.windowStart),
    windowEnd: toIso(row.windowEnd),
    ingestedAt: toIso(row.ingestedAt),
    publishedAt: toIso(row.publishedAt),
    occurrences: row.occurrences,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    revision: row.revision,
    ruleVersion: row.ruleVersion,
    resolvedAt: toIso(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    acknowledgedBy: row.acknowledgedBy,
    silencedBy: row.silencedBy,
  };
  if (row.evidence) alert.evidence = row.evidence;
  return alert;
}
