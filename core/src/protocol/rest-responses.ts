import { type Static, type TInteger, type TObject, Type } from '@sinclair/typebox';
import { ALERT_STATUSES, AlertSchema, SEVERITIES } from '../alerts/alert.ts';
import { SOURCES } from '../events/sources.ts';
import { literals } from '../schema/literals.ts';

// The bodies of the REST history endpoints (gateway/README.md, "HTTP: REST API"), defined once as TypeBox
// (JSON Schema): the gateway documents them in /api/openapi.json and checks its answers against them, the
// store and the dashboard use the types derived from them.

const iso = Type.String({ format: 'date-time' });
const nullableIso = Type.Union([iso, Type.Null()]);
const count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
/** One counter per key, every key present (zero when none). */
const counts = <T extends string>(keys: readonly T[], description?: string) =>
  Type.Object(
    Object.fromEntries(keys.map((k) => [k, count()])) as { [K in T]: TInteger },
    description ? { description } : {},
  ) as TObject<{ [K in T]: TInteger }>;
/** Counters of the keys that occur only. */
const countMap = (description: string) => Type.Record(Type.String(), count(), { description });

/** Bucket sizes of the timeline; every size divides a day, so buckets align on UTC midnight. */
export const TIMELINE_BUCKETS = ['1m', '5m', '15m', '1h', '1d'] as const;
export type TimelineBucketSize = (typeof TIMELINE_BUCKETS)[number];

export const SeverityCountsSchema = counts(SEVERITIES);
export type SeverityCounts = Static<typeof SeverityCountsSchema>;

/** GET /api/alerts. */
export const AlertPageSchema = Type.Object({
  items: Type.Array(AlertSchema, { description: 'Newest first (detectedAt, then id, descending).' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor`; null on the last page.',
  }),
});
export type AlertPage = Static<typeof AlertPageSchema>;

/** The counts of GET /api/stats/summary, as the store computes them. */
export const AlertSummarySchema = Type.Object({
  total: count(),
  bySeverity: SeverityCountsSchema,
  bySource: counts(SOURCES),
  byStatus: counts(ALERT_STATUSES, '`open` counts the alerts nobody has handled yet.'),
  byService: countMap('Only services that occur; alerts without a service count in `total` only.'),
  byRuleId: countMap('Only rules that occur.'),
});
export type AlertSummary = Static<typeof AlertSummarySchema>;

/** GET /api/stats/summary: the counts and the range they cover (null where the query left it open). */
export const SummaryBodySchema = Type.Object({
  from: nullableIso,
  to: nullableIso,
  ...AlertSummarySchema.properties,
});
export type SummaryBody = Static<typeof SummaryBodySchema>;

/** One bucket `[bucketStart, bucketStart + size)` of the timeline. */
export const TimelinePointSchema = Type.Object({
  bucketStart: iso,
  total: count(),
  bySeverity: SeverityCountsSchema,
});
export type TimelinePoint = Static<typeof TimelinePointSchema>;

/** GET /api/stats/timeline. */
export const TimelineBodySchema = Type.Object({
  bucket: literals(TIMELINE_BUCKETS),
  from: iso,
  to: iso,
  points: Type.Array(TimelinePointSchema, {
    description: 'Every bucket of the range in order, empty ones with zeros; buckets align on UTC.',
  }),
});
export type TimelineBody = Static<typeof TimelineBodySchema>;

/** One item of GET /api/services. */
export const ServiceSummarySchema = Type.Object({
  service: Type.String(),
  total: count(),
  open: count('Alerts still in status open.'),
  bySeverity: SeverityCountsSchema,
  lastAlertAt: iso,
});
export type ServiceSummary = Static<typeof ServiceSummarySchema>;

/** GET /api/services. */
export const ServicesBodySchema = Type.Object({
  items: Type.Array(ServiceSummarySchema, {
    description: 'Services with alerts in the range, most alerts first.',
  }),
});
export type ServicesBody = Static<typeof ServicesBodySchema>;
