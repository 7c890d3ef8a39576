import { Type } from '@sinclair/typebox';
import { ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';
import { type Channel, routeAlert } from '@vigil/core/notifications';
import type { GatewayNotifications } from '../notifications/notification-ports.ts';
import { visible } from './alerts-routes.ts';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import type { HttpAlertStore } from './http-ports.ts';
import { json } from './json-response.ts';
import { actorOf } from './lifecycle-routes.ts';
import { AlertRoutesSchema, PolicyInputSchema, StoredPolicySchema } from './notification-schemas.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { defineRoute, type Route } from './route.ts';

export interface PolicyRoutesOptions {
  notifications: GatewayNotifications | undefined;
  store: Pick<HttpAlertStore, 'getAlert'>;
}

const channelRef = (c: Channel) => ({ id: c.id, name: c.name, type: c.type, enabled: c.enabled });

/**
 * `GET/PUT /api/notification-policy` and the preview `GET /api/alerts/{id}/routes` (gateway README, "HTTP:
 * notifications"): reading is any viewer's (the policy names channel ids and matchers, no secrets), saving
 * an admin's.
 */
export function policyRoutes(options: PolicyRoutesOptions): Route[] {
  const store = () => {
    if (!options.notifications) throw new UnavailableError('this gateway has no notification store');
    return options.notifications.store;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/notification-policy',
      operationId: 'getNotificationPolicy',
      summary: 'The notification policy (routing tree)',
      description:
        'Every route with its defaults filled in, and the version in force (0: never saved, no routes).',
      tag: 'notifications',
      permission: 'viewer',
      query: NoQueryParams,
      responses: {
        200: { description: 'The policy.', schema: StoredPolicySchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle() {
        return json(200, await store().getPolicy());
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/notification-policy',
      operationId: 'putNotificationPolicy',
      summary: 'Replace the notification policy',
      description: [
        "Checked by core's validatePolicy (matchers, channel ids that exist, bounds of every duration) and",
        'stored as the next version; alerts are routed by it from then on. Audited (`notification-policy.put`).',
      ].join(' '),
      tag: 'notifications',
      permission: 'admin',
      query: NoQueryParams,
      requestBody: {
        description: 'The routes, in order.',
        required: true,
        content: { 'application/json': PolicyInputSchema },
      },
      responses: {
        200: { description: 'The stored policy, defaults filled in.', schema: StoredPolicySchema },
        400: {
          description:
            'Not a valid policy: `details.problems` lists every problem by field (`routes[2].groupWaitMs`, `routes[0].channels[1]`).',
          schema: ErrorSchema,
        },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, principal, audit }) {
        const before = await store().getPolicy();
        const policy = await store().putPolicy(parseJsonBody(request.body), actorOf(principal));
        await audit({
          action: 'notification-policy.put',
          target: { type: 'notification-policy', id: String(policy.version) },
          before: { version: before.version, routes: before.routes },
          after: { version: policy.version, routes: policy.routes },
        });
        return json(200, policy);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts/{id}/routes',
      operationId: 'getAlertRoutes',
      summary: 'Which channels the policy would send this alert to',
      description: [
        'The policy in force applied to the alert now (core routeAlert, as the notifier routes): the matching',
        'routes in order, each with its group and channels, and every channel once. An extension of DESIGN',
        "(gateway README). A silenced alert is routed but not notified; `silenced` says so. A token's scope applies.",
      ].join(' '),
      tag: 'notifications',
      permission: 'viewer',
      pathParams: { id: { description: 'The alert id.', schema: Type.String() } },
      query: NoQueryParams,
      responses: {
        200: { description: 'Where it would go.', schema: AlertRoutesSchema },
        404: { description: 'No alert has this id (or it is outside the token scope).', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, principal }) {
        const id = params.id ?? '';
        const alert = visible(principal, await options.store.getAlert(id));
        if (!alert) throw new VigilError(ERROR_CODES.notFound, 'alert not found', { details: { id } });
        const [policy, channels] = await Promise.all([store().getPolicy(), store().listChannels()]);
        const byId = new Map(channels.map((c) => [c.id, c]));
        const refs = (ids: readonly string[]) =>
          ids.flatMap((cid) => {
            const channel = byId.get(cid);
            return channel ? [channelRef(channel)] : [];
          });
        const matches = routeAlert(policy, alert);
        return json(200, {
          alertId: alert.id,
          policyVersion: policy.version,
          silenced: (alert.silencedBy?.length ?? 0) > 0,
          routes: matches.map((m) => ({
            routeIndex: m.routeIndex,
            groupKey: m.groupKey,
            groupLabels: m.groupLabels,
            channels: refs(m.route.channels),
            sendResolved: m.route.sendResolved,
            continue: m.route.continue,
          })),
          channels: refs([...new Set(matches.flatMap((m) => m.route.channels))]),
        });
      },
    }),
  ];
}
