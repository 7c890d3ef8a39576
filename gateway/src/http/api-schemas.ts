import { Type } from '@sinclair/typebox';
import {
  AlertPageSchema,
  AlertSchema,
  ServicesBodySchema,
  SummaryBodySchema,
  TimelineBodySchema,
} from '@vigil/core';
import { RULE_SCHEMAS } from '@vigil/core/rules';

// Response and request bodies of the REST API, as TypeBox (JSON Schema): documented in /api/openapi.json
// and checked against real answers by openapi.test.ts. The alert history bodies are core's (the store and the
// dashboard use the types derived from them); the ones only HTTP knows are here.

const enumOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

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

export { AlertPageSchema, AlertSchema, ServicesBodySchema, SummaryBodySchema, TimelineBodySchema };

export const RulesSchema = Type.Object({
  items: Type.Array(Type.Union(Object.values(RULE_SCHEMAS)), {
    description: 'The rules as core parsed them, defaults filled in (see processor/RULES.md).',
  }),
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
  notifications: Type.Optional(
    Type.Object(
      {
        failingChannels: Type.Union([
          Type.Array(
            Type.Object({
              id: Type.String(),
              name: Type.String(),
              type: Type.String(),
              failuresSinceSuccess: Type.Integer({ minimum: 0 }),
              lastAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            }),
          ),
          Type.Null(),
        ]),
        error: Type.Optional(Type.String({ description: 'Why the channels could not be read.' })),
      },
      { description: 'Channels whose last 3+ attempts failed; informational: the status ignores it.' },
    ),
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
