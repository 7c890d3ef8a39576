import { Type } from '@sinclair/typebox';
import { SEVERITIES, SOURCES } from '@vigil/core';
import {
  ATTEMPT_OUTCOMES,
  CHANNEL_TYPES,
  GROUP_BY_FIELDS,
  NOTIFICATION_STATUSES,
  REDACTED,
} from '@vigil/core/notifications';
import { enumOf } from './api-params.ts';

// The notification routes' bodies as the OpenAPI document shows them. Validation is core's (parseChannelInput,
// validatePolicy: every problem by field); these schemas describe, they do not check.

const iso = (description: string) => Type.String({ format: 'date-time', description });
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const ConfigSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: [
    'By type — webhook: url, secret?, signatureHeader?, headers?; slack: url; discord: url, username?;',
    'email: host, port?, secure?, requireTls?, auth? {user, pass}, from, to[]; pagerduty: routingKey, url?,',
    `source?. Secrets read as "${REDACTED}"; sending "${REDACTED}" back keeps the stored secret.`,
  ].join(' '),
});

export const ChannelInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: enumOf(CHANNEL_TYPES),
    config: ConfigSchema,
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const ChannelHealthSchema = Type.Object({
  failing: Type.Boolean({ description: 'failuresSinceSuccess reached the threshold (3).' }),
  failuresSinceSuccess: Type.Integer({ minimum: 0 }),
  lastError: nullable(Type.String()),
  lastAttemptAt: nullable(iso('The last attempt, test messages included.')),
  lastSuccessAt: nullable(iso('The last attempt that was sent.')),
  queued: Type.Integer({ minimum: 0, description: 'Notifications not yet sent.' }),
  oldestQueuedAt: nullable(iso('When the oldest of them was written.')),
});

export const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: enumOf(CHANNEL_TYPES),
  config: ConfigSchema,
  enabled: Type.Boolean(),
  createdAt: iso('When it was created.'),
  updatedAt: iso('When it was last changed.'),
  updatedBy: Type.String({ description: 'A username or `token:<name>`.' }),
  health: Type.Optional(ChannelHealthSchema),
});

export const ChannelListSchema = Type.Object({
  items: Type.Array(ChannelSchema, { description: 'Every channel by name, each with its health.' }),
});

export const ChannelTestSchema = Type.Object({
  channelId: Type.String(),
  channelType: enumOf(CHANNEL_TYPES),
  outcome: enumOf(['sent', 'failed'] as const),
  ok: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()], {
    description: "The receiver's HTTP status; null for email or a network error.",
  }),
  response: Type.String({
    description: "The start of the receiver's answer, or the error (≤ 1,000 characters).",
  }),
  durationMs: Type.Integer({ minimum: 0 }),
});

const MatchersSchema = Type.Object(
  {
    severity: Type.Optional(Type.Array(enumOf(SEVERITIES))),
    minSeverity: Type.Optional(enumOf(SEVERITIES, { description: 'At least this severity.' })),
    source: Type.Optional(Type.Array(enumOf(SOURCES))),
    service: Type.Optional(Type.Array(Type.String())),
    ruleId: Type.Optional(Type.Array(Type.String())),
    key: Type.Optional(Type.Array(Type.String())),
    userId: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'All given fields must match; a list matches any of its values; none: every alert.' },
);

const RouteSchema = Type.Object({
  matchers: Type.Optional(MatchersSchema),
  channels: Type.Array(Type.String(), { minItems: 1, maxItems: 20, description: 'Channel ids.' }),
  groupBy: Type.Optional(Type.Array(enumOf(GROUP_BY_FIELDS), { default: ['ruleId'] })),
  groupWaitMs: Type.Optional(Type.Integer({ minimum: 0, default: 30_000 })),
  groupIntervalMs: Type.Optional(Type.Integer({ minimum: 1_000, default: 300_000 })),
  repeatIntervalMs: Type.Optional(Type.Integer({ minimum: 60_000, default: 14_400_000 })),
  sendResolved: Type.Optional(Type.Boolean({ default: true })),
  bypassGroupWaitAtLeast: Type.Optional(
    Type.Union([enumOf(SEVERITIES), Type.Null()], { default: 'critical' }),
  ),
  continue: Type.Optional(Type.Boolean({ default: false })),
});

export const PolicyInputSchema = Type.Object({
  routes: Type.Array(RouteSchema, {
    maxItems: 100,
    description: 'Tried in order; the first match wins unless `continue`.',
  }),
});

export const StoredPolicySchema = Type.Object({
  routes: Type.Array(RouteSchema, { description: 'Every field filled in.' }),
  version: Type.Integer({ minimum: 0, description: '0 before the first save.' }),
  updatedAt: nullable(iso('When this version was saved.')),
  updatedBy: nullable(Type.String()),
});

const ChannelRefSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: enumOf(CHANNEL_TYPES),
  enabled: Type.Boolean(),
});

export const AlertRoutesSchema = Type.Object({
  alertId: Type.String(),
  policyVersion: Type.Integer({ minimum: 0 }),
  silenced: Type.Boolean({
    description: 'A silenced alert is routed but not notified while it is silenced.',
  }),
  routes: Type.Array(
    Type.Object({
      routeIndex: Type.Integer({ minimum: 0 }),
      groupKey: Type.String(),
      groupLabels: Type.Record(Type.String(), Type.String()),
      channels: Type.Array(ChannelRefSchema),
      sendResolved: Type.Boolean(),
      continue: Type.Boolean(),
    }),
    { description: 'The matching routes in policy order: each until one without `continue`.' },
  ),
  channels: Type.Array(ChannelRefSchema, { description: 'Every channel it would go to, once each.' }),
});

const AttemptSchema = Type.Object({
  at: iso('When the attempt ended.'),
  outcome: enumOf(ATTEMPT_OUTCOMES),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: nullable(Type.String()),
  durationMs: Type.Integer({ minimum: 0 }),
});

export const NotificationPageSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      channelId: Type.String(),
      channelName: nullable(Type.String({ description: 'Null when the channel was deleted since.' })),
      channelType: enumOf(CHANNEL_TYPES),
      kind: enumOf(['firing', 'acknowledged', 'resolved', 'test'] as const),
      status: enumOf(NOTIFICATION_STATUSES),
      alertIds: Type.Array(Type.String()),
      groupKey: Type.String(),
      attemptCount: Type.Integer({ minimum: 0 }),
      nextAttemptAt: nullable(iso('The next try of a pending one.')),
      createdAt: iso('When it was written to the outbox.'),
      sentAt: nullable(iso('When the receiver took it.')),
      externalId: nullable(Type.String()),
      lastError: nullable(Type.String()),
      lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
      attempts: Type.Array(AttemptSchema, { description: 'Every attempt, oldest first.' }),
    }),
    { description: 'Newest first.' },
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
