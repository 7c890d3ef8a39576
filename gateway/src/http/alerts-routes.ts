import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ERROR_CODES, ValidationError, VigilError } from '@vigil/core';
import type { AlertPage, AlertQuery } from '@vigil/db';
import { AlertQueryParams, checkRange, NoQueryParams } from './api-params.ts';
import {
  AlertPageSchema,
  AlertSchema,
  ErrorSchema,
  StatusUpdateSchema,
  UNAVAILABLE_RESPONSE,
} from './api-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { defineRoute, type Route } from './route.ts';

const notFound = { description: 'No alert has this id.', schema: ErrorSchema };
const idParam = { id: { description: 'The alert id.', schema: Type.String() } };

const statusUpdate = TypeCompiler.Compile(StatusUpdateSchema);

const alertNotFound = (id: string) =>
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

function parseStatusBody(body: Buffer): { status: 'open' | 'acknowledged' | 'resolved' } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ValidationError('body is not valid JSON', { cause: err, details: { parameter: 'body' } });
  }
  if (statusUpdate.Check(value)) return value;
  const first = statusUpdate.Errors(value).First();
  throw new ValidationError(
    'body must be {"status": "open" | "acknowledged" | "resolved"} and nothing else',
    { details: { parameter: 'body', field: first?.path || '/', reason: first?.message } },
  );
}

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
      query: AlertQueryParams,
      responses: {
        200: { description: 'One page of alerts.', schema: AlertPageSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query }) {
        checkRange(query);
        return json(200, await queryAlerts(store, query));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts/{id}',
      operationId: 'getAlert',
      summary: 'One alert',
      tag: 'alerts',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The alert.', schema: AlertSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params }) {
        const id = params.id ?? '';
        const alert = await store.getAlert(id);
        if (!alert) throw alertNotFound(id);
        return json(200, alert);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/alerts/{id}',
      operationId: 'updateAlertStatus',
      summary: 'Acknowledge, resolve or reopen an alert',
      description: 'Operators set `status`; every other field of an alert is immutable.',
      tag: 'alerts',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: {
        description: 'The new status.',
        required: true,
        content: { 'application/json': StatusUpdateSchema },
      },
      responses: {
        200: { description: 'The updated alert.', schema: AlertSchema },
        400: { description: 'The body is not a valid status update.', schema: ErrorSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, request }) {
        const id = params.id ?? '';
        const { status } = parseStatusBody(request.body);
        const alert = await store.updateStatus(id, status);
        if (!alert) throw alertNotFound(id);
        return json(200, alert);
      },
    }),
  ];
}
