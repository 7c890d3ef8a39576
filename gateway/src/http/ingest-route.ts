import { Type } from '@sinclair/typebox';
import {
  ERROR_CODES,
  EVENT_SCHEMAS,
  INGESTED_AT_HEADER,
  isSource,
  type OutgoingMessage,
  SOURCES,
  type Source,
  VigilError,
} from '@vigil/core';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, IngestResultSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { publishForRequest } from './bus-publish.ts';
import { HttpError } from './http-errors.ts';
import type { HttpMetrics } from './http-metrics.ts';
import type { EventKeyFn, EventPublisher } from './http-ports.ts';
import { checkItem, INGEST_MEDIA_TYPES, splitIngestBody } from './ingest-body.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

export interface IngestRouteOptions {
  /** Topic of each source's events (`topicNames(prefix).events[source]`). */
  topicOf: (source: Source) => string;
  bus: EventPublisher;
  eventKey?: EventKeyFn;
  now: () => number;
  maxItems: number;
  metrics: HttpMetrics;
}

const noKey: EventKeyFn = () => null;

/** `POST /api/events/{source}`: validates each item, publishes the valid ones in one call, reports the rest. */
export function ingestRoute(options: IngestRouteOptions): Route {
  const { bus, now, maxItems, metrics } = options;
  const eventKey = options.eventKey ?? noKey;
  return defineRoute({
    method: 'POST',
    path: '/api/events/{source}',
    operationId: 'ingestEvents',
    summary: 'Ingest events of one source',
    description: [
      'The body is a JSON array of events (`application/json`), or NDJSON (one event per line;',
      '`application/x-ndjson`, or a JSON body starting with `{`). Each item is validated on its own:',
      'valid ones are published to the `events.{source}` topic, invalid ones are listed in `rejected`',
      `with their index. At most ${maxItems} items per request. Accepted means durably on the bus.`,
    ].join(' '),
    tag: 'ingest',
    permission: 'ingest',
    rateLimit: 'ingest',
    pathParams: {
      source: { description: 'The event source.', schema: Type.Union(SOURCES.map((s) => Type.Literal(s))) },
    },
    query: NoQueryParams,
    requestBody: {
      description: 'Events of the source named in the path (see core/README.md, "Events").',
      required: true,
      content: {
        'application/json': Type.Array(Type.Union(Object.values(EVENT_SCHEMAS))),
        'application/x-ndjson': Type.String({ description: 'One event object per line.' }),
      },
    },
    responses: {
      202: { description: 'Valid items published; invalid ones listed.', schema: IngestResultSchema },
      400: { description: 'The body is empty or neither a JSON array nor NDJSON.', schema: ErrorSchema },
      403: {
        description:
          'The credentials may not ingest, or not this source (an ingest token limited to others).',
        schema: ErrorSchema,
      },
      404: { description: 'Unknown source.', schema: ErrorSchema },
      415: {
        description:
          'Content type other than `application/json` or `application/x-ndjson`: a browser sends text, form and multipart bodies cross-site without asking, so they are never accepted.',
        schema: ErrorSchema,
      },
      413: { description: `More than ${maxItems} items.`, schema: ErrorSchema },
      503: {
        ...UNAVAILABLE_RESPONSE,
        description: 'The bus is unavailable; nothing was accepted, retry later.',
      },
    },
    async handle({ params, request, principal }) {
      const source = params.source;
      if (!isSource(source)) {
        throw new VigilError(ERROR_CODES.notFound, 'unknown source', {
          details: { source, allowed: SOURCES },
        });
      }
      const sources = principal?.sources ?? null;
      if (sources !== null && !sources.includes(source)) {
        throw new HttpError(403, `forbidden: this token may ingest only ${sources.join(', ')}`, {
          details: { source, allowed: sources },
        });
      }
      const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!INGEST_MEDIA_TYPES.has(mediaType)) {
        throw new HttpError(415, 'content type must be application/json or application/x-ndjson', {
          details: { contentType: request.headers['content-type'] ?? null, allowed: [...INGEST_MEDIA_TYPES] },
        });
      }
      const items = splitIngestBody(request.body, request.headers['content-type'], maxItems);
      const ingestedAt = String(now());
      const rejected: { index: number; error: string }[] = [];
      const messages: OutgoingMessage[] = [];
      items.forEach((item, index) => {
        const result = checkItem(source, item);
        if (!result.ok) rejected.push({ index, error: result.error });
        else
          messages.push({
            key: eventKey(source, result.value),
            value: item.bytes,
            headers: { [INGESTED_AT_HEADER]: ingestedAt },
          });
      });
      if (messages.length > 0) await publishForRequest(bus, options.topicOf(source), messages);
      metrics.ingested(source, messages.length, rejected.length);
      return json(202, { accepted: messages.length, rejected });
    },
  });
}
