import { type TSchema, Type } from '@sinclair/typebox';
import {
  ActivityEntrySchema,
  ActivityPageSchema,
  type Alert,
  BulkResultSchema,
  BulkStatusChangeSchema,
  CommentSchema,
  DEFAULT_ACTIVITY_PAGE,
  ERROR_CODES,
  MAX_ACTIVITY_PAGE,
  MAX_BULK_IDS,
  MAX_NOTE_LENGTH,
  matchesFilter,
  type Principal,
  StatusChangeSchema,
  ValidationError,
  VigilError,
} from '@vigil/core';
import type { TransitionResult } from '@vigil/db';
import type { AlertChangePublisher } from './alert-changes.ts';
import { alertNotFound, visible } from './alerts-routes.ts';
import { NoQueryParams } from './api-params.ts';
import { AlertSchema, ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { jsonBodyParser } from './json-body.ts';
import { json } from './json-response.ts';
import { type AuditInput, defineRoute, type Route } from './route.ts';

export interface LifecycleRoutesOptions {
  store: HttpAlertStore;
  /** Publishes changed alerts on the alerts topic, so every gateway pushes them as `update` frames. */
  publish: AlertChangePublisher;
  now: () => number;
}

const notFound = {
  description: 'No alert has this id (or it is outside the token scope).',
  schema: ErrorSchema,
};
const idParam = { id: { description: 'The alert id.', schema: Type.String() } };
const STATUS_BODY = `{"status": "open" | "acknowledged" | "resolved", "note"?: 1–${MAX_NOTE_LENGTH} characters}`;
const parseStatusBody = jsonBodyParser(StatusChangeSchema, `${STATUS_BODY} and nothing else`);
const parseCommentBody = jsonBodyParser(CommentSchema, `{"note": 1–${MAX_NOTE_LENGTH} characters}`);
const parseBulkBody = jsonBodyParser(
  BulkStatusChangeSchema,
  `{"ids": [1–${MAX_BULK_IDS} alert ids], "status": ..., "note"?: ...} and nothing else`,
);

const jsonRequest = (description: string, schema: TSchema) => ({
  description,
  required: true,
  content: { 'application/json': schema },
});

const ActivityQueryParams = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_ACTIVITY_PAGE,
      default: DEFAULT_ACTIVITY_PAGE,
      description: 'Page size.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 2048, description: 'The nextCursor of the previous page (opaque).' }),
  ),
});

/**
 * Who a change is recorded as (acknowledgedBy, resolvedBy, the trail): a person by username, an API token
 * as `token:<name>`, so a token named like a user is never taken for them. The audit entry of the same
 * request has the ids.
 */
export const actorOf = (principal: Principal | null): string =>
  principal === null ? 'anonymous' : principal.kind === 'token' ? `token:${principal.name}` : principal.name;

/** What a token's scope lets it change; undefined: everything. */
const reachOf = (principal: Principal | null) => {
  const scope = principal?.scope;
  return scope ? (alert: Alert) => matchesFilter(scope, alert) : undefined;
};

/** The store's refusal of a cursor, named as the parameter like every other 400 (alerts-routes.ts does the same). */
export async function relabelCursor<T>(run: () => Promise<T>, cursor: string | undefined): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ValidationError && cursor !== undefined && /cursor/.test(err.message)) {
      throw new ValidationError(err.message, { cause: err, details: { parameter: 'cursor' } });
    }
    throw err;
  }
}

const conflict = (id: string) =>
  new VigilError(ERROR_CODES.conflict, `alert ${id}: another episode of its rule and key is unresolved`, {
    details: { id },
  });

/** The audit entry of one alert's status change, as PATCH has always recorded it (`alert.status`). */
const statusAudit = (result: TransitionResult, before: string, note: string | undefined): AuditInput => ({
  action: 'alert.status',
  target: { type: 'alert', id: result.id },
  before: { status: before },
  after: { status: result.alert?.status, ...(note === undefined ? {} : { note }) },
});

/** The lifecycle: status changes (single and bulk), comments and the activity trail (DESIGN, lifecycle row). */
export function lifecycleRoutes(options: LifecycleRoutesOptions): Route[] {
  const { store, publish, now } = options;

  /** The alert the principal may see, or 404. */
  async function find(principal: Principal | null, id: string): Promise<Alert> {
    const alert = visible(principal, await store.getAlert(id));
    if (!alert) throw alertNotFound(id);
    return alert;
  }

  return [
    defineRoute({
      method: 'PATCH',
      path: '/api/alerts/{id}',
      operationId: 'updateAlertStatus',
      summary: 'Acknowledge, resolve or reopen an alert',
      description: [
        'Operators set `status`, optionally with a `note`; every other field of an alert is immutable. A change',
        'records who (the username, or `token:<name>`) in the alert and its activity trail, raises `revision`',
        'and is published on the alerts topic, so every dashboard receives an `update` frame. Setting the',
        'status it already has changes and records nothing (the alert is published again, which repairs a',
        'publish an earlier attempt lost). Audited (`alert.status`).',
      ].join(' '),
      tag: 'alerts',
      permission: 'operator',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: jsonRequest('The new status, and why.', StatusChangeSchema),
      responses: {
        200: { description: 'The alert as it now is.', schema: AlertSchema },
        400: { description: 'The body is not a valid status change.', schema: ErrorSchema },
        404: notFound,
        409: {
          description:
            'A resolved episode cannot be reopened while another of its rule and key is unresolved.',
          schema: ErrorSchema,
        },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, request, principal, audit }) {
        const id = params.id ?? '';
        const { status, note } = parseStatusBody(request.body);
        const before = await find(principal, id);
        const [result] = await store.transition([id], status, actorOf(principal), note, {
          now: now(),
          only: reachOf(principal),
        });
        if (!result?.alert || result.outcome === 'not_found') throw alertNotFound(id);
        if (result.outcome === 'conflict') throw conflict(id);
        await audit(statusAudit(result, before.status, note));
        await publish([result.alert]);
        return json(200, result.alert);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/alerts/bulk',
      operationId: 'updateAlertStatuses',
      summary: 'Acknowledge, resolve or reopen many alerts at once',
      description: [
        `One status (and note) for 1–${MAX_BULK_IDS} alerts, changed in one transaction; a repeated id counts`,
        'once. Each changes as `PATCH /api/alerts/{id}` would (recorded, revision raised, audited, published);',
        'the answer lists every id with its outcome: `changed`, `unchanged` (it had the status), `not_found`',
        '(no such alert, or outside the token scope) or `conflict` (a reopen refused while another episode of',
        'its rule and key is unresolved). A concurrent change winning that race answers 409 and changes nothing.',
      ].join(' '),
      tag: 'alerts',
      permission: 'operator',
      query: NoQueryParams,
      requestBody: jsonRequest('The ids, the new status, and why.', BulkStatusChangeSchema),
      responses: {
        200: { description: 'One result per distinct id, in the order given.', schema: BulkResultSchema },
        400: {
          description: `The body is not a valid bulk change (more than ${MAX_BULK_IDS} ids, an unknown status, …).`,
          schema: ErrorSchema,
        },
        409: { description: 'A concurrent change won a reopen race: nothing changed.', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, principal, audit }) {
        const { ids, status, note } = parseBulkBody(request.body);
        const reach = reachOf(principal);
        // The status each alert had, for the audit: `only` is asked of every alert the change locks.
        const before = new Map<string, string>();
        const results = await store.transition(ids, status, actorOf(principal), note, {
          now: now(),
          only: (alert) => {
            before.set(alert.id, alert.status);
            return reach ? reach(alert) : true;
          },
        });
        for (const result of results) {
          if (result.outcome === 'changed') await audit(statusAudit(result, before.get(result.id)!, note));
        }
        // Unchanged ones too: a retried bulk change repairs a publish an earlier attempt lost.
        const ok = results.filter((r) => r.outcome === 'changed' || r.outcome === 'unchanged');
        await publish(ok.map((r) => r.alert!));
        return json(200, {
          items: results.map((r) => ({
            id: r.id,
            ok: r.outcome === 'changed' || r.outcome === 'unchanged',
            outcome: r.outcome,
            ...(r.alert && r.outcome !== 'not_found' ? { alert: r.alert } : {}),
          })),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/alerts/{id}/comments',
      operationId: 'commentOnAlert',
      summary: 'Comment on an alert',
      description: [
        'Adds a `commented` entry to the activity trail. The alert itself does not change: no new revision, no',
        '`update` frame; the trail is read with `GET /api/alerts/{id}/activity`. Audited (`alert.comment`).',
      ].join(' '),
      tag: 'alerts',
      permission: 'operator',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: jsonRequest('The comment.', CommentSchema),
      responses: {
        201: { description: 'The trail entry recorded.', schema: ActivityEntrySchema },
        400: { description: 'The body is not a valid comment.', schema: ErrorSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, request, principal, audit }) {
        const id = params.id ?? '';
        const { note } = parseCommentBody(request.body);
        await find(principal, id);
        const entry = await store.comment(id, actorOf(principal), note, now());
        if (!entry) throw alertNotFound(id);
        await audit({ action: 'alert.comment', target: { type: 'alert', id }, after: { note } });
        return json(201, entry);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts/{id}/activity',
      operationId: 'getAlertActivity',
      summary: "An alert's activity trail, newest first",
      description: [
        'What people did (acknowledged, resolved, reopened, commented, with who and the note) merged with',
        'what the system did: `opened` (at detection), `fired` (each later firing folded into the episode,',
        'the latest 100 only; `occurrences` counts them all) and `resolved` by `system` (auto-resolve). Times',
        'are wall-clock. Paged by `cursor`.',
      ].join(' '),
      tag: 'alerts',
      permission: 'viewer',
      pathParams: idParam,
      query: ActivityQueryParams,
      responses: {
        200: { description: 'One page of the trail.', schema: ActivityPageSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, query, principal }) {
        const id = params.id ?? '';
        // The store checks the cursor before anything else: a bad one is a 400 even for an unknown id.
        const page = await relabelCursor(() => store.activity(id, query), query.cursor);
        if (!page) throw alertNotFound(id);
        await find(principal, id);
        return json(200, page);
      },
    }),
  ];
}
