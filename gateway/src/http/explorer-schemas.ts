import { Type } from '@sinclair/typebox';
import { SOURCES } from '@vigil/core';
import { ENTITY_KINDS } from '@vigil/db';
import { enumOf } from './api-params.ts';
import { AlertSchema } from './api-schemas.ts';

// Response bodies of the explorer routes, checked against real answers by openapi.test.ts.

const StoredEventSchema = Type.Object({
  id: Type.String({ description: 'Stable id: `<source>:<partition>:<offset>@<bus timestamp ms>`.' }),
  source: enumOf(SOURCES),
  ts: Type.String({ format: 'date-time', description: 'The event time.' }),
  position: Type.Object({
    partition: Type.Integer({ minimum: 0 }),
    offset: Type.String({ description: 'Decimal bus offset.' }),
  }),
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'The event as it was published.' }),
});

export const EventPageSchema = Type.Object({
  items: Type.Array(StoredEventSchema, { description: 'Newest first by event time.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next page.',
  }),
});

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const TimeseriesBodySchema = Type.Object({
  field: Type.String(),
  bucket: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  points: Type.Array(
    Type.Object({
      bucketStart: Type.String({ format: 'date-time' }),
      avg: nullableNumber,
      max: nullableNumber,
      count: Type.Integer({ minimum: 0, description: 'Events in the bucket that carry the field.' }),
    }),
    { description: 'Every bucket of the range; none when the token scope hides metrics.' },
  ),
});

export const EntitiesBodySchema = Type.Object({
  kind: enumOf(ENTITY_KINDS),
  items: Type.Array(
    Type.Object({
      kind: enumOf(ENTITY_KINDS),
      value: Type.String({ description: 'The user id, IP, service or host.' }),
      score: Type.Number({ minimum: 0, description: 'Σ weight(severity) · 0.5^(age / 6 h), last 24 h.' }),
      alertCount: Type.Integer({ minimum: 1 }),
      lastAlertAt: Type.String({ format: 'date-time' }),
      recentAlerts: Type.Array(AlertSchema, { description: 'Its newest alerts (at most 5), newest first.' }),
    }),
    { description: 'Highest score first.' },
  ),
});
