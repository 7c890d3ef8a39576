import { Type } from '@sinclair/typebox';
import { LOG_LEVELS, SECURITY_ACTIONS, SOURCES } from '@vigil/core';
import { ENTITY_KINDS, MAX_ENTITIES, MAX_SEARCH_LENGTH, METRIC_FIELDS, TIMELINE_BUCKETS } from '@vigil/db';
import { AlertQueryParams, enumOf, list, text } from './api-params.ts';

// Query parameters of the explorer routes (events, metrics timeseries, entities): validation and OpenAPI.

const eventInstant = (description: string) =>
  Type.Optional(Type.String({ format: 'date-time', description: `${description} (ISO 8601 with a zone).` }));

export const EventQueryParams = Type.Object({
  source: list(enumOf(SOURCES), 'Sources to include.'),
  service: list(text(), 'Services to include.'),
  host: list(text(), 'Hosts to include.'),
  userId: list(text(), 'User ids to include.'),
  ip: list(text(), 'IP addresses to include.'),
  level: list(enumOf(LOG_LEVELS), 'Log levels to include.'),
  action: list(enumOf(SECURITY_ACTIONS), 'Security actions to include.'),
  from: eventInstant('Start of the range on the event time, inclusive'),
  to: eventInstant('End of the range on the event time, exclusive'),
  q: Type.Optional(
    Type.String({
      maxLength: MAX_SEARCH_LENGTH,
      description: 'Words that must all appear in the log message (words of 3+ letters match as prefixes).',
    }),
  ),
  limit: AlertQueryParams.properties.limit,
  cursor: AlertQueryParams.properties.cursor,
});

/** `GET /api/stream/events`: the filters of `GET /api/events`, parsed the same way, without range or paging. */
export const EventStreamParams = Type.Omit(EventQueryParams, ['from', 'to', 'limit', 'cursor']);

export const TimeseriesQueryParams = Type.Object({
  field: enumOf(METRIC_FIELDS, { description: 'The metric to aggregate.' }),
  service: list(text(), 'Services whose metrics count.'),
  host: list(text(), 'Hosts whose metrics count.'),
  bucket: Type.Optional(enumOf(TIMELINE_BUCKETS, { default: '1m', description: 'Bucket size.' })),
  from: eventInstant('Start of the range, inclusive; default one hour before `to`'),
  to: eventInstant('End of the range, exclusive; default now'),
});

export const EntityQueryParams = Type.Object({
  kind: enumOf(ENTITY_KINDS, { description: 'What to rank: user ids, IPs, services or hosts.' }),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_ENTITIES, default: 10, description: 'How many entities.' }),
  ),
});
