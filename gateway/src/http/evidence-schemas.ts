import { Type } from '@sinclair/typebox';
import { SOURCES } from '@vigil/core';

// The answer of GET /api/alerts/{id}/events (gateway/src/evidence/evidence-types.ts is its TypeScript side).

const RefSchema = Type.Object({
  topic: Type.String(),
  partition: Type.Integer({ minimum: 0 }),
  offset: Type.String({ description: 'Decimal int64.' }),
});

export const EvidenceEventSchema = Type.Object({
  source: Type.Union(SOURCES.map((s) => Type.Literal(s))),
  topic: Type.String({ description: 'Where the event was on the bus.' }),
  partition: Type.Integer({ minimum: 0 }),
  offset: Type.Union([Type.String(), Type.Null()], {
    description:
      'Decimal int64; null only when the archive object has gaps and the evidence does not pair this event id with a position.',
  }),
  archiveKey: Type.Union([Type.String(), Type.Null()], {
    description:
      'The archive object it was read from; null when the processor has not archived it yet and it was read from the event store.',
  }),
  event: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The raw event exactly as published, unknown fields included.',
  }),
});

export const AlertEventsSchema = Type.Object({
  items: Type.Array(EvidenceEventSchema, {
    description: 'In the order of the evidence (bus order within a partition); at most 100.',
  }),
  pending: Type.Array(RefSchema, {
    description:
      'Positions no archive object holds yet: the processor archives every few seconds (ARCHIVE max age, 2 s by default), so ask again.',
  }),
  unreadable: Type.Array(
    Type.Object({
      key: Type.String(),
      reason: Type.Union([Type.Literal('missing'), Type.Literal('too_large'), Type.Literal('corrupt')]),
    }),
    { description: 'Archive objects of the evidence that could not be read, and why.' },
  ),
  truncated: Type.Boolean({
    description: 'The evidence names more than the bound: at most 4 archive objects and 100 events are read.',
  }),
});
