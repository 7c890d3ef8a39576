import type {
  ActivityEntry,
  ActivityPage,
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
  TransitionOutcome,
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

/** One firing of a rule for a key (the processor's Alert with its deterministic id) and its rule's resolveAfterMs. */
export interface Firing {
  alert: Alert;
  resolveAfterMs: number;
}

/** What folding did with one firing: opened an episode, updated the open one, or nothing (seen before). */
export type FoldOutcome = 'opened' | 'updated' | 'duplicate';

export interface FoldedFiring {
  firingId: string;
  outcome: FoldOutcome;
  /** The episode's full state after the fold (a duplicate's episode as it is now). */
  episode: Alert;
}

export interface FoldResult {
  /** One entry per firing offered, in the order given (a firing repeated in the batch: `duplicate`). */
  firings: FoldedFiring[];
  /** Episodes resolved by event time inside this fold (a firing came after their resolveAfterMs). */
  resolved: Alert[];
}

export interface ResolveIdleOptions {
  /** Wall-clock now (ms): resolvedAt, and the idleness of each row's last change. */
  now: number;
  /** Per source, the stream's event time (ms): episodes whose last firing is older by resolveAfterMs resolve. */
  streamTimes?: Partial<Record<Source, number>>;
  /** Most episodes resolved by one call (default 500); call again while it returns that many. */
  limit?: number;
}

/** What a status change did to one alert; `alert` is its state after (null when not found). */
export interface TransitionResult {
  id: string;
  outcome: TransitionOutcome;
  alert: Alert | null;
}

export interface TransitionOptions {
  /** Wall clock (ms) that stamps the change; default Date.now(). */
  now?: number;
  /**
   * Which alerts the caller may change (a token's scope), asked of each locked row: the others count as
   * `not_found` and are left alone.
   */
  only?: (alert: Alert) => boolean;
}

/** A page of an alert's activity trail. */
export interface ActivityQuery {
  /** 1 to MAX_ACTIVITY_PAGE (core), default DEFAULT_ACTIVITY_PAGE. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. */
  cursor?: string;
}

/**
 * Persistent alert history. Timestamps come back as `Date#toISOString()` (UTC, milliseconds); absent
 * optional fields come back as null, except `evidence`, which is left out when none was stored.
 * Bad input throws core's ValidationError; an unreachable database throws UnavailableError (retriable).
 */
/** An alert revision that reached the alerts topic. */
export interface PublishedRevision {
  id: string;
  revision: number;
  /** When this revision was published, when it differs from the call's `publishedAt` (marks written in batches). */
  publishedAt?: string;
}

export interface AlertStore {
  /**
   * Stores alerts as given, outside episodes (imports, fixtures): each id once, returns how many were new.
   * Such rows take no firings; the processor folds with foldFirings.
   */
  insertAlerts(alerts: readonly Alert[]): Promise<number>;
  /**
   * Folds firings into episodes atomically: a firing id seen before is a duplicate and counts nothing; a new
   * one updates the unresolved episode of its rule and key (occurrences, lastSeenAt, value, message, revision)
   * or opens one whose id is the firing's. Several firings of one key in a batch are one change (revision + 1).
   * A firing later than the open episode's lastSeenAt + resolveAfterMs resolves it (by "system") first.
   * `now` (wall clock, ms) stamps the change.
   */
  foldFirings(firings: readonly Firing[], now?: number): Promise<FoldResult>;
  /** Resolves (by "system") unresolved episodes idle past their resolveAfterMs; returns them, resolved. */
  resolveIdle(options: ResolveIdleOptions): Promise<Alert[]>;
  /**
   * The silence sweep (silence-effects.ts): unresolved episodes whose silencedBy differs from the silences
   * active at `now` (one started or ended by the clock, or a fold raced a create or expire) get the active
   * ones, revision + 1 and a `silenced` / `unsilenced` entry per change; at most `limit` (500) per call,
   * returned to be published. Resolved episodes keep theirs.
   */
  refreshSilenced(options: { now: number; limit?: number }): Promise<Alert[]>;
  /** Adds keys to `evidence.archiveKeys` (each key once, existing ones kept); unknown ids are skipped. */
  addArchiveKeys(updates: readonly ArchiveKeyUpdate[]): Promise<void>;
  /**
   * Records that these revisions are on the alerts topic: the highest revision marked wins, and the first
   * publication time is kept as `publishedAt` (a mark's own, else the call's). An id may be marked more than
   * once in one call. Unknown ids are skipped.
   */
  markPublished(published: readonly PublishedRevision[], publishedAt: string): Promise<void>;
  /**
   * Alerts with a stored change no publish was marked for (a crash between the commit and the publish, or
   * a change just being published): at most `limit` (500), oldest change first (alert-publication.ts).
   */
  unpublishedChanges(limit?: number): Promise<Alert[]>;
  getAlert(id: string): Promise<Alert | null>;
  /** Keyset pagination: pages stay gap- and duplicate-free while newer alerts are being inserted. */
  queryAlerts(query?: AlertQuery): Promise<AlertPage>;
  summary(range?: StatsRange): Promise<AlertSummary>;
  timeline(query: TimelineQuery): Promise<TimelinePoint[]>;
  /** Services with alerts in the range, most alerts first. */
  services(range?: StatsRange): Promise<ServiceSummary[]>;
  /** Users, IPs, services or hosts ranked by the risk of their recent alerts (alert-entities.ts, RISK). */
  entities(query: EntityQuery): Promise<EntityRisk[]>;
  /**
   * The updated alert (revision + 1; resolvedAt/resolvedBy or acknowledgedBy set from `actor`), or null when
   * there is no such id. Reopening an episode while another of its rule and key is open throws `conflict`.
   */
  updateStatus(id: string, status: AlertStatus, actor?: string): Promise<Alert | null>;
  /**
   * The lifecycle (alert-lifecycle.ts): sets `status` on up to MAX_BULK_IDS alerts in one transaction, each
   * changed one with revision + 1, acknowledgedBy / resolvedAt + resolvedBy from `actor` (cleared on
   * reopen) and an activity entry (`acknowledged`, `resolved` or `reopened`, with the note). One result per
   * distinct id, in the order given: `unchanged` (already so: nothing recorded, revision kept), `not_found`,
   * `conflict` (making a resolved episode unresolved while another of its rule and key is unresolved; the
   * others still change). A concurrent fold or reopen winning that race throws VigilError `conflict` and
   * changes nothing. Unlike updateStatus, it records who and why.
   */
  transition(
    ids: readonly string[],
    status: AlertStatus,
    actor: string,
    note?: string | null,
    options?: TransitionOptions,
  ): Promise<TransitionResult[]>;
  /** Adds a `commented` entry to the trail (the alert itself and its revision do not change); null: no such alert. */
  comment(id: string, actor: string, note: string, now?: number): Promise<ActivityEntry | null>;
  /**
   * The trail newest first: stored entries merged with those derived from the alert and its firings
   * (alert-activity.ts); null when the alert does not exist.
   */
  activity(id: string, query?: ActivityQuery): Promise<ActivityPage | null>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
}
