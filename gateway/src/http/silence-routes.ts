import { Type } from '@sinclair/typebox';
import {
  DEFAULT_SILENCE_PAGE,
  ERROR_CODES,
  MAX_SILENCE_PAGE,
  MAX_SILENCE_PREVIEW,
  type Principal,
  SILENCE_STATES,
  SilenceInputSchema,
  SilencePageSchema,
  SilencePreviewSchema,
  SilenceSchema,
  UnavailableError,
  ValidationError,
  type ValidSilence,
  VigilError,
  validateSilenceInput,
} from '@vigil/core';
import type { SilenceStore } from '@vigil/db';
import type { AlertChangePublisher } from './alert-changes.ts';
import { enumOf, NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { HttpError } from './http-errors.ts';
import { json } from './json-response.ts';
import { actorOf, relabelCursor } from './lifecycle-routes.ts';
import { defineRoute, type Route } from './route.ts';

export interface SilenceRoutesOptions {
  /** Without it every silence route answers 503 (a gateway built without the database's silences). */
  silences: SilenceStore | undefined;
  /** Publishes the episodes a silence changed, so every gateway pushes them as `update` frames. */
  publish: AlertChangePublisher;
  now: () => number;
}

const idParam = { id: { description: 'The silence id.', schema: Type.String() } };
const notFound = (id: string) =>
  new VigilError(ERROR_CODES.notFound, 'silence not found', { details: { id } });
const EXPECTED =
  '{"matchers": {ruleId?, severity?, source?, service?, key?, userId?}, "startsAt"?, "endsAt", "comment"}';

const SilenceQueryParams = Type.Object({
  state: Type.Optional(enumOf(SILENCE_STATES, { description: 'Only silences in this state now.' })),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_SILENCE_PAGE,
      default: DEFAULT_SILENCE_PAGE,
      description: 'Page size.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 2048, description: 'The nextCursor of the previous page (opaque).' }),
  ),
});

const body = (description: string) => ({
  description,
  required: true,
  content: { 'application/json': SilenceInputSchema },
});

/** The body checked by core's validateSilenceInput: a 400 listing every problem by field. */
function parseSilence(raw: Buffer, now: number): ValidSilence {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ValidationError('body is not valid JSON', { cause: err, details: { parameter: 'body' } });
  }
  const result = validateSilenceInput(value, now);
  if (result.ok) return result.value;
  const [first] = result.problems;
  throw new ValidationError(`body must be ${EXPECTED}: ${first?.field} ${first?.reason}`, {
    details: { parameter: 'body', field: first?.field, reason: first?.reason, problems: result.problems },
  });
}

/**
 * A silence applies to every alert it matches, so a token whose scope limits what it sees may not make or
 * end one: it would silence (or unsilence) alerts it cannot see.
 */
function refuseScoped(principal: Principal | null): void {
  if (principal?.scope) {
    throw new HttpError(403, 'forbidden: a token with a scope may not create or expire silences', {
      details: { scope: principal.scope },
    });
  }
}

/** `GET/POST /api/silences`, `GET/DELETE /api/silences/{id}`, `POST /api/silences/preview` (gateway README, "HTTP: silences"). */
export function silenceRoutes(options: SilenceRoutesOptions): Route[] {
  const { publish, now } = options;
  const store = (): SilenceStore => {
    if (!options.silences) throw new UnavailableError('this gateway has no silence store');
    return options.silences;
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/silences',
      operationId: 'listSilences',
      summary: 'Silences, newest first',
      description: 'Active, pending and expired silences (`state` narrows to one), paged by `cursor`.',
      tag: 'silences',
      permission: 'viewer',
      query: SilenceQueryParams,
      responses: {
        200: { description: 'One page of silences.', schema: SilencePageSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ query }) {
        return json(200, await relabelCursor(() => store().list({ ...query, now: now() }), query.cursor));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/silences',
      operationId: 'createSilence',
      summary: 'Silence matching alerts for a while',
      description: [
        'Alerts matching every given matcher while the silence is active (startsAt ≤ now < endsAt) are still',
        'stored, counted and pushed, with the silence id in `silencedBy`, but not notified. An active silence',
        'applies at once to every matching open or acknowledged alert (revision raised, `silenced` in its',
        'trail by the caller with the comment, published as an `update`); a pending one when it starts.',
        'Audited (`silence.create`). A token with a scope may not create silences (403).',
      ].join(' '),
      tag: 'silences',
      permission: 'operator',
      query: NoQueryParams,
      requestBody: body('What to silence, until when, and why.'),
      responses: {
        201: { description: 'The silence, with its id.', schema: SilenceSchema },
        400: {
          description:
            'Not a valid silence: no matcher, an unknown matcher field or a list, an unknown severity or source, endsAt not after startsAt or now, no comment. `details.problems` lists each by field.',
          schema: ErrorSchema,
        },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, principal, audit }) {
        refuseScoped(principal);
        const at = now();
        const input = parseSilence(request.body, at);
        const { silence, changed } = await store().create(input, actorOf(principal), at);
        await audit({
          action: 'silence.create',
          target: { type: 'silence', id: silence.id },
          after: { ...input, silenced: changed.length },
        });
        await publish(changed);
        return json(201, silence);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/silences/preview',
      operationId: 'previewSilence',
      summary: 'The alerts a silence would have matched in the last 24 h',
      description: [
        `Takes the body of \`POST /api/silences\` and stores nothing: the alerts (episodes) matching its`,
        `matchers that were open at some moment of the 24 h before now, newest first, at most`,
        `${MAX_SILENCE_PREVIEW}, and how many in all. A token's scope applies.`,
      ].join(' '),
      tag: 'silences',
      permission: 'operator',
      query: NoQueryParams,
      requestBody: body('The silence to preview.'),
      responses: {
        200: { description: 'What it would have matched.', schema: SilencePreviewSchema },
        400: { description: 'Not a valid silence (as for POST /api/silences).', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, principal }) {
        const at = now();
        const input = parseSilence(request.body, at);
        const scope = principal?.scope ?? undefined;
        return json(200, await store().preview(input.matchers, { now: at, scope }));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/silences/{id}',
      operationId: 'getSilence',
      summary: 'One silence',
      tag: 'silences',
      permission: 'viewer',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The silence.', schema: SilenceSchema },
        404: { description: 'No silence has this id.', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params }) {
        const id = params.id ?? '';
        const silence = await store().get(id, now());
        if (!silence) throw notFound(id);
        return json(200, silence);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/silences/{id}',
      operationId: 'expireSilence',
      summary: 'Expire a silence now',
      description: [
        'Sets endsAt to now and records who (`expiredBy`); the open and acknowledged alerts it silenced lose',
        'its id from `silencedBy` (revision raised, `unsilenced` in their trail, published as an `update`).',
        'Resolved alerts keep the silencedBy they resolved with, so nothing old is sent again. Idempotent: a',
        'silence that has ended already answers 200 unchanged. Audited (`silence.expire`). A token with a',
        'scope may not expire silences (403).',
      ].join(' '),
      tag: 'silences',
      permission: 'operator',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The silence, expired.', schema: SilenceSchema },
        404: { description: 'No silence has this id.', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, principal, audit }) {
        refuseScoped(principal);
        const id = params.id ?? '';
        const result = await store().expire(id, actorOf(principal), now());
        if (!result) throw notFound(id);
        if (result.outcome === 'expired') {
          await audit({
            action: 'silence.expire',
            target: { type: 'silence', id },
            after: { endsAt: result.silence.endsAt, unsilenced: result.changed.length },
          });
        }
        await publish(result.changed);
        return json(200, result.silence);
      },
    }),
  ];
}
