import { Type } from '@sinclair/typebox';
import {
  type Alert,
  type AlertFilter,
  ERROR_CODES,
  intersectFilters,
  matchesFilter,
  type Principal,
  ValidationError,
  VigilError,
} from '@vigil/core';
import type { AlertPage, AlertQuery } from '@vigil/db';
import { AlertQueryParams, checkRange, NoQueryParams } from './api-params.ts';
import { AlertPageSchema, AlertSchema, ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

const notFound = { description: 'No alert has this id.', schema: ErrorSchema };
const idParam = { id: { description: 'The alert id.', schema: Type.String() } };

export const alertNotFound = (id: string) =>
  new VigilError(ERROR_CODES.notFound, 'alert not found', { details: { id } });

const mentionsCursor = (details: unknown): boolean =>
  typeof details === 'object' && details !== null && 'cursor' in details;

/**
 * The cursor is opaque here: only the store can tell a bad one. Its refusal is relabelled so the 400 names
 * the parameter like every other one (the other parameters are all checked before the store sees them).
 */
async function queryAlerts(store: HttpAlertStore, query: AlertQuery): Promise<AlertPage> {
  try {
    return await store.queryAlerts(query);
  } catch (err) {
    if (err instanceof ValidationError && query.cursor !== undefined && mentionsCursor(err.details)) {
      throw new ValidationError(err.message, { cause: err, details: { parameter: 'cursor' } });
    }
    throw err;
  }
}

/** The query a principal may run: its token scope ANDed in; null when the scope leaves nothing. */
export function scopedQuery<Q extends AlertFilter>(principal: Principal | null, query: Q): Q | null {
  if (!principal?.scope) return query;
  const filter = intersectFilters(principal.scope, {
    severity: query.severity,
    source: query.source,
    service: query.service,
    ruleId: query.ruleId,
  });
  return filter === null ? null : { ...query, ...filter };
}

/** An alert outside the principal's scope does not exist for it: 404, exactly as an unknown id. */
export const visible = (principal: Principal | null, alert: Alert | null): Alert | null =>
  alert && (!principal?.scope || matchesFilter(principal.scope, alert)) ? alert : null;

export function alertRoutes(store: HttpAlertStore): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/alerts',
      operationId: 'listAlerts',
      summary: 'Alert history, newest first, filtered and paginated by cursor',
      description:
        'Pages stay free of gaps and duplicates while new alerts arrive: walk them with `nextCursor`.',
      tag: 'alerts',
      permission: 'viewer',
      query: AlertQueryParams,
      responses: {
        200: { description: 'One page of alerts.', schema: AlertPageSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query, principal }) {
        checkRange(query);
        const scoped = scopedQuery(principal, query);
        if (scoped === null) return json(200, { items: [], nextCursor: null });
        return json(200, await queryAlerts(store, scoped));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts/{id}',
      operationId: 'getAlert',
      summary: 'One alert',
      tag: 'alerts',
      permission: 'viewer',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The alert.', schema: AlertSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, principal }) {
        const id = params.id ?? '';
        const alert = visible(principal, await store.getAlert(id));
        if (!alert) throw alertNotFound(id);
        return json(200, alert);
      },
    }),
  ];
}
