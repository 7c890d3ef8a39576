import type { Alert, AlertStatus, Severity } from '../alerts/alert.ts';
import type { Source } from '../events/sources.ts';

// The bodies of the REST history endpoints (gateway/README.md, "HTTP: REST API"), shared by the store that computes them
// and the dashboard that reads them. Type-only: the gateway's TypeBox response schemas document them in
// /api/openapi.json.

export type SeverityCounts = Record<Severity, number>;

/** GET /api/alerts: newest first (detectedAt, then id, descending); `nextCursor` is null on the last page. */
export interface AlertPage {
  items: Alert[];
  nextCursor: string | null;
}

/** GET /api/stats/summary. */
export interface AlertSummary {
  total: number;
  /** Every severity and source is present, zero when none. */
  bySeverity: SeverityCounts;
  bySource: Record<Source, number>;
  /** Every status is present, zero when none: `open` is the count of alerts nobody has handled yet. */
  byStatus: Record<AlertStatus, number>;
  /** Only keys that occur; alerts without a service are counted in `total` only. */
  byService: Record<string, number>;
  byRuleId: Record<string, number>;
}

/** One bucket `[bucketStart, bucketStart + size)` of GET /api/stats/timeline; empty buckets are listed with zeros. */
export interface TimelinePoint {
  bucketStart: string;
  total: number;
  bySeverity: SeverityCounts;
}

/** One item of GET /api/services. */
export interface ServiceSummary {
  service: string;
  total: number;
  /** Alerts still in status `open`. */
  open: number;
  bySeverity: SeverityCounts;
  lastAlertAt: string;
}
