import { type Static, Type } from '@sinclair/typebox';
import { type Alert, type Archive, isRetriable, UnavailableError } from '@vigil/core';
import type { EventStore } from '@vigil/db';
import type { Logger } from 'pino';
import { DEFAULT_EVIDENCE_LIMITS, type EvidenceLimits } from '../evidence/evidence-limits.ts';
import { createEvidenceReader } from '../evidence/evidence-reader.ts';
import type { AlertEvents } from '../evidence/evidence-types.ts';
import { alertNotFound, visible } from './alerts-routes.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { AlertEventsSchema } from './evidence-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

export interface EvidenceRoutesOptions {
  store: Pick<HttpAlertStore, 'getAlert'>;
  /** Absent in gateways built without one (benchmarks, socket tests): the route answers 503. */
  archive: Pick<Archive, 'get' | 'list'> | undefined;
  /**
   * The explorer's event store: events still in the processor's archiver buffer (a second or two after the
   * alert) are read from it, so the newest alert shows its events at once. Absent: they stay `pending`.
   */
  events?: Pick<EventStore, 'eventsAt'>;
  limits?: Partial<EvidenceLimits>;
  logger: Logger;
}

const noArchive: Pick<Archive, 'get' | 'list'> = {
  get: () => Promise.reject(new UnavailableError('this gateway has no archive to read evidence from')),
  list: () => Promise.reject(new UnavailableError('this gateway has no archive to read evidence from')),
};

/** `GET /api/alerts/{id}/events`: the raw events behind an alert, from the archive. */
export function evidenceRoutes({ store, archive, events, limits, logger }: EvidenceRoutesOptions): Route[] {
  const evidence = createEvidenceReader({ archive: archive ?? noArchive, limits, logger });

  /** Moves the pending refs the event store holds into the items, in the evidence's order. */
  async function fromEventStore(alert: Alert, answer: AlertEvents): Promise<AlertEvents> {
    if (!events || answer.pending.length === 0) return answer;
    let found: Awaited<ReturnType<EventStore['eventsAt']>>;
    try {
      found = await events.eventsAt({
        source: alert.source,
        from: alert.windowStart ?? alert.eventTime,
        to: alert.eventTime,
        positions: answer.pending.map((ref) => ({ partition: ref.partition, offset: ref.offset })),
      });
    } catch (err) {
      // The store is a shortcut: its outage leaves the refs pending, as without it.
      if (!isRetriable(err)) throw err;
      logger.warn(
        { err: { message: (err as Error).message }, alertId: alert.id },
        'event store unavailable for evidence',
      );
      return answer;
    }
    const at = new Map(found.map((e) => [`${e.position.partition}:${e.position.offset}`, e]));
    const pending: AlertEvents['pending'] = [];
    const items = [...answer.items];
    for (const ref of answer.pending) {
      const event = at.get(`${ref.partition}:${ref.offset}`);
      if (!event) pending.push(ref);
      else
        items.push({
          source: alert.source,
          topic: ref.topic,
          partition: ref.partition,
          offset: ref.offset,
          archiveKey: null,
          event: event.event,
        });
    }
    const maxEvents = limits?.maxEvents ?? DEFAULT_EVIDENCE_LIMITS.maxEvents;
    return {
      ...answer,
      items: items.slice(0, maxEvents),
      truncated: answer.truncated || items.length > maxEvents,
      pending,
    };
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/api/alerts/{id}/events',
      operationId: 'getAlertEvents',
      summary: 'The raw events behind an alert, read from the archive',
      description:
        'Reads the archive objects the alert’s evidence names (or, for events whose keys are not linked yet, ' +
        'finds them in the hour folders of its window), keeps the evidence’s events and returns them with ' +
        'their bus positions. Bounded: by default at most 4 objects and 100 events (`truncated` says when the evidence ' +
        'names more). Events the processor has not archived yet are read from the event store (`archiveKey` null) ' +
        'when it holds them, else listed in `pending`.',
      tag: 'alerts',
      permission: 'viewer',
      pathParams: { id: { description: 'The alert id.', schema: Type.String() } },
      query: NoQueryParams,
      responses: {
        200: { description: 'The events found, and what is still pending.', schema: AlertEventsSchema },
        404: { description: 'No alert has this id (or the token’s scope hides it).', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, principal }) {
        const id = params.id ?? '';
        const alert = visible(principal, await store.getAlert(id));
        if (!alert) throw alertNotFound(id);
        const answer: Static<typeof AlertEventsSchema> = await fromEventStore(
          alert,
          await evidence.read(alert),
        );
        return json(200, answer);
      },
    }),
  ];
}
