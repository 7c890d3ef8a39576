import { type TSchema, Type } from '@sinclair/typebox';
import { ALERT_STATUSES, AlertSchema, SEVERITIES, SOURCES } from '@vigil/core';
import { TIMELINE_BUCKETS } from '@vigil/db';

// Response and request bodies of the REST API, as TypeBox (JSON Schema): documented in /api/openapi.json
// and checked against real answers by openapi.test.ts.

const enumOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const counts = <T extends string>(keys: readonly T[]) =>
  Type.Object(
    Object.fromEntries(keys.map((k) => [k, Type.Integer({ minimum: 0 })])) as unknown as Record<T, TSchema>,
  );
const countMap = (description: string) =>
  Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description });
const iso = Type.String({ format: 'date-time' });
const nullableIso = Type.Union([iso, Type.Null()]);

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'What went wrong, for people.' }),
    details: Type.Optional(
      Type.Unknown({
        description: 'Machine-readable context; `parameter` names the offending query parameter.',
      }),
    ),
  },
  { description: 'Every 4xx and 5xx answer of the API.' },
);

export { AlertSchema };

export const AlertPageSchema = Type.Object({
  items: Type.Array(AlertSchema, { description: 'Newest first (detectedAt, then id, descending).' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor`; null on the last page.',
  }),
});

export const StatusUpdateSchema = Type.Object(
  { status: enumOf(ALERT_STATUSES) },
  { additionalProperties: false, description: 'The new status of the alert.' },
);

export const SummarySchema = Type.Object({
  from: nullableIso,
  to: nullableIso,
  total: Type.Integer({ minimum: 0 }),
  bySeverity: counts(SEVERITIES),
  bySource: counts(SOURCES),
  byStatus: counts(ALERT_STATUSES),
  byService: countMap('Only services that occur; alerts without a service count in `total` only.'),
  byRuleId: countMap('Only rules that occur.'),
});

export const TimelineSchema = Type.Object({
  bucket: enumOf(TIMELINE_BUCKETS),
  from: iso,
  to: iso,
  points: Type.Array(
    Type.Object({
      bucketStart: iso,
      total: Type.Integer({ minimum: 0 }),
      bySeverity: counts(SEVERITIES),
    }),
    { description: 'Every bucket of the range in order, empty ones with zeros; buckets align on UTC.' },
  ),
});

export const ServicesSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      service: Type.String(),
      total: Type.Integer({ minimum: 0 }),
      open: Type.Integer({ minimum: 0, description: 'Alerts still in status open.' }),
      bySeverity: counts(SEVERITIES),
      lastAlertAt: iso,
    }),
    { description: 'Services with alerts in the range, most alerts first.' },
  ),
});

export const RulesSchema = Type.Object({
  items: Type.Array(
    Type.Object(
      { id: Type.String() },
      {
        additionalProperties: true,
        description: 'A rule as the processor reads it (see processor/RULES.md).',
      },
    ),
  ),
});

export const HealthSchema = Type.Object({
  status: enumOf(['ok', 'degraded'] as const),
  components: Type.Record(
    Type.String(),
    Type.Object({
      status: enumOf(['up', 'down'] as const),
      error: Type.Optional(Type.String({ description: 'Why the probe failed or timed out.' })),
    }),
  ),
});

export const IngestResultSchema = Type.Object({
  accepted: Type.Integer({ minimum: 0, description: 'Items published to the bus.' }),
  rejected: Type.Array(
    Type.Object({
      index: Type.Integer({
        minimum: 0,
        description: 'Position in the array, or among non-blank NDJSON lines.',
      }),
      error: Type.String(),
    }),
  ),
});

export const PrometheusTextSchema = Type.String({ description: 'Prometheus text exposition format.' });
export const OpenApiDocumentSchema = Type.Object(
  { openapi: Type.String(), info: Type.Object({}), paths: Type.Object({}) },
  { additionalProperties: true },
);

/** Answer of any route whose dependency (database, bus) is down. */
export const UNAVAILABLE_RESPONSE = {
  description: 'A dependency is unavailable; retry after `retry-after` seconds.',
  schema: ErrorSchema,
  headers: {
    'retry-after': { description: 'Seconds to wait before retrying.', schema: Type.Integer({ minimum: 0 }) },
  },
};
