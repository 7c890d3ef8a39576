import { Type } from '@sinclair/typebox';
import { UnavailableError } from '@vigil/core';
import { NOTIFICATION_STATUSES } from '@vigil/core/notifications';
import type { GatewayNotifications } from '../notifications/notification-ports.ts';
import { visible } from './alerts-routes.ts';
import { enumOf } from './api-params.ts';
import { UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { HttpError } from './http-errors.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { NotificationPageSchema } from './notification-schemas.ts';
import { defineRoute, type Route } from './route.ts';

const id = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 200, description }));

const NotificationQueryParams = Type.Object({
  alertId: id('Only notifications that carried this alert.'),
  channelId: id('Only notifications to this channel.'),
  status: Type.Optional(enumOf(NOTIFICATION_STATUSES, { description: 'Only notifications in this state.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size.' })),
  cursor: Type.Optional(Type.String({ maxLength: 32, description: 'The nextCursor of the previous page.' })),
});

export interface NotificationLogRouteOptions {
  notifications: GatewayNotifications | undefined;
  store: Pick<HttpAlertStore, 'getAlert'>;
}

/**
 * `GET /api/notifications`: the delivery log, every attempt of each notification, for any viewer (what was
 * sent where and what the receiver said; never a channel's config). A token with a scope reads it one
 * visible alert at a time: other notifications carry alerts it may not see.
 */
export function notificationLogRoute(options: NotificationLogRouteOptions): Route {
  return defineRoute({
    method: 'GET',
    path: '/api/notifications',
    operationId: 'listNotifications',
    summary: 'The delivery log, with every attempt',
    description: [
      'Notifications newest first: kind (firing, acknowledged, resolved, test), status (pending, sending,',
      'sent, failed), the alerts carried, and every attempt with its outcome, status code, error and',
      'duration. A token with a scope must give an `alertId` it can see (403 otherwise).',
    ].join(' '),
    tag: 'notifications',
    permission: 'viewer',
    query: NotificationQueryParams,
    responses: {
      200: { description: 'One page of the log.', schema: NotificationPageSchema },
      503: UNAVAILABLE_RESPONSE,
    },
    async handle({ query, principal }) {
      if (!options.notifications) throw new UnavailableError('this gateway has no notification store');
      const { store } = options.notifications;
      if (principal?.scope) {
        const alert = query.alertId ? visible(principal, await options.store.getAlert(query.alertId)) : null;
        if (!alert) {
          throw new HttpError(
            403,
            'forbidden: a token with a scope reads the log of one alert it can see (alertId)',
            {
              details: { parameter: 'alertId', scope: principal.scope },
            },
          );
        }
      }
      const [page, channels] = await Promise.all([store.listNotifications(query), store.listChannels()]);
      const names = new Map(channels.map((c) => [c.id, c.name]));
      return json(200, {
        items: page.items.map((n) => ({ ...n, channelName: names.get(n.channelId) ?? null })),
        nextCursor: page.nextCursor,
      });
    },
  });
}
