import type {
  Alert,
  AlertFilter,
  AlertPage,
  AlertStatus,
  AlertSummary,
  ServiceSummary,
  Severity,
  Source,
  TimelineBucketSize,
  TimelinePoint,
} from '@vigil/core';
import type { EntityQuery, EntityRisk } from './alert-entities.ts';

// The response bodies and bucket sizes live in core (the gateway documents them, the dashboard reads them);
// re-exported for the store's users.
export type {
  AlertPage,
  AlertSummary,
  ServiceSummary,
  SeverityCounts,
  TimelineBucketSize,
  TimelinePoint,
} from '@vigil/core';
export { TIMELINE_BUCKETS } from '@vigil/core';

/** Page size when a query names none. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page: bounds the response size and the rows one request can make the database read. */
export const MAX_PAGE_SIZE = 500;
/** Most buckets one timeline may span (a week of minutes): a chart has no use for more points. */
export const MAX_TIMELINE_BUCKETS = 10_080;

/** An instant as an ISO 8601 string (as in the REST query string) or a Date. */
export type Instant = string | Date;

/** Half-open range on `detectedAt`: `from` inclusive, `to` exclusive; either may be absent. */
export interface TimeRange {
  from?: Instant;
  to?: Instant;
}

/** Filters of `GET /api/alerts`: multi-select fields match any listed value; an absent or empty list matches all. */
export interface AlertQuery extends TimeRange {
  severity?: readonly Severity[];
  source?: readonly Source[];
  service?: readonly string[];
  ruleId?: readonly string[];
  userId?: readonly string[];
  /** Alert keys (`ip=10.0.0.5`, `host=web-1`), matched exactly: how an entity's alerts are listed. */
  key?: readonly string[];
  status?: readonly AlertStatus[];
  /** Words that must all appear in the title or message, each matched as a word prefix (≥ 3 letters). */
  q?: string;
  /** 1 to MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. */
  cursor?: string;
}

/** A time range for statistics, optionally narrowed to what an API token's scope lets it see. */
export interface StatsRange extends TimeRange {
  /** Only alerts passing this filter count (absent or empty fields: all). */
  scope?: AlertFilter;
}

export interface TimelineQuery {
  bucket: TimelineBucketSize;
  from: Instant;
  to: Instant;
  scope?: AlertFilter;
}

/** Archive object keys that hold an alert's evidence, learned after the alert was stored. */
export interface ArchiveKeyUpdate {
  id: string;
  archiveKeys: readonly string[];
}

/**
 * Persistent alert history. Timestamps come back as `Date#toISOString()` (UTC, milliseconds); absent
 * optional fields come back as null, except `evidence`, which is left out when none was stored.
 * Bad input throws core's ValidationError; an unreachable database throws UnavailableError (retriable).
 */
export interface AlertStore {
  /** Stores alerts not stored yet (by id) and returns how many were new; redelivered alerts are no-ops. */
  insertAlerts(alerts: readonly Alert[]): Promise<number>;
  /** Adds keys to `evidence.archiveKeys` (each key once, existing ones kept); unknown ids are skipped. */
  addArchiveKeys(updates: readonly ArchiveKeyUpdate[]): Promise<void>;
  /** Records when alerts were published to the alerts topic; the first time recorded wins. */
  markPublished(ids: readonly string[], publishedAt: string): Promise<void>;
  getAlert(id: string): Promise<Alert | null>;
  /** Keyset pagination: pages stay gap- and duplicate-free while newer alerts are being inserted. */
  queryAlerts(query?: AlertQuery): Promise<AlertPage>;
  summary(range?: StatsRange): Promise<AlertSummary>;
  timeline(query: TimelineQuery): Promise<TimelinePoint[]>;
  /** Services with alerts in the range, most alerts first. */
  services(range?: StatsRange): Promise<ServiceSummary[]>;
  /** Users, IPs, services or hosts ranked by the risk of their recent alerts (alert-entities.ts, RISK). */
  entities(query: EntityQuery): Promise<EntityRisk[]>;
  /** The updated alert, or null when there is no such id. */
  updateStatus(id: string, status: AlertStatus): Promise<Alert | null>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
}
