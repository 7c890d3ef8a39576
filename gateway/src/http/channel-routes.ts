import { Type } from '@sinclair/typebox';
import { ERROR_CODES, UnavailableError, ValidationError, VigilError } from '@vigil/core';
import type { Channel } from '@vigil/core/notifications';
import type { ChannelHealth } from '@vigil/db/notifications';
import type { GatewayNotifications } from '../notifications/notification-ports.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { HttpError } from './http-errors.ts';
import { json } from './json-response.ts';
import { actorOf } from './lifecycle-routes.ts';
import {
  ChannelInputSchema,
  ChannelListSchema,
  ChannelSchema,
  ChannelTestSchema,
} from './notification-schemas.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { defineRoute, type Route } from './route.ts';

export interface ChannelRoutesOptions {
  /** Without it every notification route answers 503 (a gateway built without the notification store). */
  notifications: GatewayNotifications | undefined;
}

const idParam = { id: { description: 'The channel id.', schema: Type.String() } };
const notFound = (id: string) =>
  new VigilError(ERROR_CODES.notFound, 'channel not found', { details: { id } });
const NOT_FOUND = { description: 'No channel has this id.', schema: ErrorSchema };
const BAD_CHANNEL = {
  description:
    'Not a valid channel: `details.problems` lists every problem by field (`name`, `type`, `config.url`, `config.to[1]`, …).',
  schema: ErrorSchema,
};
const body = (description: string) => ({
  description,
  required: true,
  content: { 'application/json': ChannelInputSchema },
});

/** What the audit log keeps of a channel: never its config (secrets), only what identifies it. */
const audited = (c: Channel) => ({ name: c.name, type: c.type, enabled: c.enabled });

const healthOf = (h: ChannelHealth | undefined) =>
  h && {
    failing: h.failing,
    failuresSinceSuccess: h.failuresSinceSuccess,
    lastError: h.lastError,
    lastAttemptAt: h.lastAttemptAt,
    lastSuccessAt: h.lastSuccessAt,
    queued: h.queued,
    oldestQueuedAt: h.oldestQueuedAt,
  };

/**
 * `GET/POST /api/channels`, `GET/PUT/DELETE /api/channels/{id}`, `POST /api/channels/{id}/test` (gateway
 * README, "HTTP: notifications"). Admin only, reads included: a config names hosts, addresses and URLs
 * (a webhook URL may hold a token in its query) that redaction of the known secrets does not hide.
 */
export function channelRoutes(options: ChannelRoutesOptions): Route[] {
  const notifications = (): GatewayNotifications => {
    if (!options.notifications) throw new UnavailableError('this gateway has no notification store');
    return options.notifications;
  };
  const store = () => notifications().store;
  const existing = async (id: string) => {
    const channel = await store().getChannel(id);
    if (!channel) throw notFound(id);
    return channel;
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/channels',
      operationId: 'listChannels',
      summary: 'Notification channels, with their health',
      description:
        'Every channel by name, secrets redacted, each with its health: failures since its last success (`failing` from 3), the last error, what is queued.',
      tag: 'notifications',
      permission: 'admin',
      query: NoQueryParams,
      responses: {
        200: { description: 'The channels.', schema: ChannelListSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle() {
        const [channels, health] = await Promise.all([store().listChannels(), store().channelHealth()]);
        const byId = new Map(health.map((h) => [h.channelId, h]));
        return json(200, { items: channels.map((c) => ({ ...c, health: healthOf(byId.get(c.id)) })) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/channels',
      operationId: 'createChannel',
      summary: 'Create a notification channel',
      description:
        'Validated by type (every problem by field); answered with its id, secrets redacted. Audited (`channel.create`, without the config).',
      tag: 'notifications',
      permission: 'admin',
      query: NoQueryParams,
      requestBody: body('The channel.'),
      responses: {
        201: { description: 'The channel, secrets redacted.', schema: ChannelSchema },
        400: BAD_CHANNEL,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, principal, audit }) {
        const channel = await store().createChannel(parseJsonBody(request.body), actorOf(principal));
        await audit({
          action: 'channel.create',
          target: { type: 'channel', id: channel.id },
          after: audited(channel),
        });
        return json(201, channel);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/channels/{id}',
      operationId: 'getChannel',
      summary: 'One notification channel',
      tag: 'notifications',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The channel, secrets redacted.', schema: ChannelSchema },
        404: NOT_FOUND,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params }) {
        return json(200, await existing(params.id ?? ''));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/channels/{id}',
      operationId: 'updateChannel',
      summary: 'Replace a notification channel',
      description: [
        'Replaces name, type, config and enabled. A secret sent back as it reads (redacted) keeps the stored',
        'value, so a client may save what it read with only other fields changed. Audited (`channel.update`).',
      ].join(' '),
      tag: 'notifications',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: body('The whole channel.'),
      responses: {
        200: { description: 'The channel, secrets redacted.', schema: ChannelSchema },
        400: BAD_CHANNEL,
        404: NOT_FOUND,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, params, principal, audit }) {
        const id = params.id ?? '';
        const input = parseJsonBody(request.body);
        const before = await existing(id);
        const channel = await store().updateChannel(id, input, actorOf(principal));
        if (!channel) throw notFound(id);
        await audit({
          action: 'channel.update',
          target: { type: 'channel', id },
          before: audited(before),
          after: audited(channel),
        });
        return json(200, channel);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/channels/{id}',
      operationId: 'deleteChannel',
      summary: 'Delete a notification channel',
      description:
        'Refused (409, the routes named) while the notification policy sends to it. Audited (`channel.delete`).',
      tag: 'notifications',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        204: { description: 'Deleted.' },
        404: NOT_FOUND,
        409: {
          description: 'The policy still sends to it: `details.problems` names the routes.',
          schema: ErrorSchema,
        },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, audit }) {
        const id = params.id ?? '';
        const before = await existing(id);
        let deleted: boolean;
        try {
          deleted = await store().deleteChannel(id);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          throw new HttpError(409, err.message, { details: err.details, cause: err });
        }
        if (!deleted) throw notFound(id);
        await audit({ action: 'channel.delete', target: { type: 'channel', id }, before: audited(before) });
        return { status: 204, headers: {}, body: '' };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/channels/{id}/test',
      operationId: 'testChannel',
      summary: "Send a test message and return the receiver's answer",
      description: [
        "Sends one test message now through the channel type's sender (the notifier's, run by this gateway),",
        'enabled or not, never retried; recorded in the delivery log as kind `test` (not in any alert trail)',
        'and answered 200 whatever the receiver said: its status, the start of its answer and how long it',
        'took. Audited (`channel.test`).',
      ].join(' '),
      tag: 'notifications',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: "The receiver's answer.", schema: ChannelTestSchema },
        404: NOT_FOUND,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, audit }) {
        const id = params.id ?? '';
        const channel = await existing(id);
        const answer = await notifications().test(id);
        if (!answer) throw notFound(id);
        await audit({
          action: 'channel.test',
          target: { type: 'channel', id },
          after: { outcome: answer.outcome, statusCode: answer.statusCode },
          outcome: answer.ok ? 'success' : 'failure',
        });
        return json(200, { channelId: id, channelType: channel.type, ...answer });
      },
    }),
  ];
}
