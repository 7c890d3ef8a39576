import { type Static, Type } from '@sinclair/typebox';
import { type Archive, UnavailableError } from '@vigil/core';
import type { Logger } from 'pino';
import type { EvidenceLimits } from '../evidence/evidence-limits.ts';
import { createEvidenceReader } from '../evidence/evidence-reader.ts';
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
  limits?: Partial<EvidenceLimits>;
  logger: Logger;
}

const noArchive: Pick<Archive, 'get' | 'list'> = {
  get: () => Promise.reject(new UnavailableError('this gateway has no archive to read evidence from')),
  list: () => Promise.reject(new UnavailableError('this gateway has no archive to read evidence from')),
};

/** `GET /api/alerts/{id}/events`: the raw events behind an alert, from the archive. */
export function evidenceRoutes({ store, archive, limits, logger }: EvidenceRoutesOptions): Route[] {
  const evidence = createEvidenceReader({ archive: archive ?? noArchive, limits, logger });
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
        'names more). Events the processor has not archived yet are listed in `pending`.',
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
        const answer: Static<typeof AlertEventsSchema> = await evidence.read(alert);
        return json(200, answer);
      },
    }),
  ];
}
